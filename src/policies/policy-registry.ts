// Policy types by XML root element name; parseBundle and compileRevision take a registry so tests can supply their own.
import type { PolicyType } from './policy-type.js';

export interface PolicyRegistry {
  get(type: string): PolicyType | undefined;
  /** Supported type names, sorted, for the "unknown policy type" message. */
  readonly supportedTypes: readonly string[];
}

export function createPolicyRegistry(types: readonly PolicyType[]): PolicyRegistry {
  const byName = new Map<string, PolicyType>();
  for (const t of types) {
    if (byName.has(t.type)) throw new Error(`policy type ${t.type} registered twice`);
    byName.set(t.type, t as PolicyType);
  }
  return { get: (type) => byName.get(type), supportedTypes: [...byName.keys()].sort() };
}
