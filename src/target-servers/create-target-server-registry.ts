// The TargetServers of every environment, merged from the config file and the store, as live maps compiles read.
import type { Logger } from 'pino';
import type { BatonConfig } from '../config.js';
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import type { Store } from '../store/store.js';
import { TARGET_SERVERS, toDefinition, type TargetServerRecord, type TargetServerSource } from './target-server-records.js';

export interface TargetServerEntry {
  readonly definition: TargetServerDefinition;
  readonly source: TargetServerSource;
  /** The stored record of an API-managed TargetServer. */
  readonly record?: TargetServerRecord;
}

export interface TargetServerRegistry {
  /**
   * The environment's TargetServers by name: the same map object for every call, kept current by `apply`. A
   * compile reads it once, so a change reaches revisions deployed after it, never ones already serving.
   */
  forEnvironment(organization: string, environment: string): ReadonlyMap<string, TargetServerDefinition>;
  get(organization: string, environment: string, name: string): TargetServerEntry | undefined;
  /** Names, sorted. */
  names(organization: string, environment: string): string[];
  /** Makes a committed change visible (`null` removes an API-managed TargetServer). */
  apply(record: TargetServerRecord | null, where: { organization: string; environment: string; name: string }): void;
}

function keyOf(organization: string, environment: string): string {
  return `${organization}/${environment}`;
}

/**
 * Config TargetServers are read-only through the API: the config file stays the one source of truth for them,
 * and a name in both (the config gained a name the API had created) resolves to the config's, with a warning.
 */
export function createTargetServerRegistry(deps: { config: BatonConfig; store: Store; logger: Logger }): TargetServerRegistry {
  const live = new Map<string, Map<string, TargetServerDefinition>>();
  const configured = new Map<string, Set<string>>();
  const records = new Map<string, Map<string, TargetServerRecord>>();

  const mapOf = (key: string): Map<string, TargetServerDefinition> => {
    let map = live.get(key);
    if (!map) live.set(key, (map = new Map()));
    return map;
  };

  for (const org of deps.config.organizations) {
    for (const env of org.environments) {
      const key = keyOf(org.name, env.name);
      const map = mapOf(key);
      configured.set(key, new Set(env.targetServers.map((t) => t.name)));
      for (const ts of env.targetServers) {
        map.set(ts.name, { name: ts.name, host: ts.host, port: ts.port, enabled: ts.enabled, ...(ts.ssl ? { ssl: { ...ts.ssl } } : {}) });
      }
    }
  }
  for (const { value } of deps.store.list<TargetServerRecord>(TARGET_SERVERS)) {
    const key = keyOf(value.organization, value.environment);
    if (configured.get(key)?.has(value.name)) {
      deps.logger.warn({ org: value.organization, env: value.environment, targetServer: value.name }, 'a TargetServer created through the API has the name of a configured one; the configured one is used');
      continue;
    }
    if (!configured.has(key)) continue;
    mapOf(key).set(value.name, toDefinition(value));
    let byName = records.get(key);
    if (!byName) records.set(key, (byName = new Map()));
    byName.set(value.name, value);
  }

  return {
    forEnvironment: (organization, environment) => mapOf(keyOf(organization, environment)),
    get(organization, environment, name) {
      const key = keyOf(organization, environment);
      const definition = live.get(key)?.get(name);
      if (!definition) return undefined;
      if (configured.get(key)?.has(name)) return { definition, source: 'config' };
      return { definition, source: 'api', record: records.get(key)?.get(name) };
    },
    names: (organization, environment) => [...(live.get(keyOf(organization, environment))?.keys() ?? [])].sort(),
    apply(record, where) {
      const key = keyOf(where.organization, where.environment);
      if (configured.get(key)?.has(where.name)) throw new Error(`TargetServer ${where.name} is configured; it cannot change through the API`);
      let byName = records.get(key);
      if (!byName) records.set(key, (byName = new Map()));
      if (record) {
        mapOf(key).set(where.name, toDefinition(record));
        byName.set(where.name, record);
      } else {
        mapOf(key).delete(where.name);
        byName.delete(where.name);
      }
    },
  };
}
