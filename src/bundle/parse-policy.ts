// Parses one `policies/*.xml` file through its policy type (compat §6.5): common attributes plus the type's config.
import type { BundleProblem } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { PolicyConfig } from './proxy-bundle.js';
import { attr, childText, toBoolean, type XmlElement } from './xml-element.js';

export interface PolicyParseResult {
  readonly policy?: PolicyConfig;
  /** Make the bundle unreadable: an unknown type, or problems its type's parse reported. */
  readonly fatal: BundleProblem[];
  /** Deployability problems (validate=true reports them, deploy refuses). */
  readonly problems: BundleProblem[];
}

export function parsePolicy(el: XmlElement, file: string, fallbackName: string, registry: PolicyRegistry, resources: ReadonlyMap<string, Uint8Array>): PolicyParseResult {
  const fatal: BundleProblem[] = [];
  const problems: BundleProblem[] = [];
  const type = registry.get(el.name);
  if (!type) {
    fatal.push({ file, message: `unknown policy type ${el.name}; supported types: ${registry.supportedTypes.join(', ')}` });
    return { fatal, problems };
  }
  const named = attr(el, 'name')?.trim();
  // §6.5: name is required; the file name stands in so that Steps naming it still resolve.
  if (!named) problems.push({ file, message: `${el.name} policy has no name attribute` });
  let config: unknown;
  try {
    config = type.parse(el, { file, report: (message) => fatal.push({ file, message }), resources });
  } catch (err) {
    // PolicyType.parse must not throw; a type that does is treated like one that reported a problem.
    fatal.push({ file, message: `${el.name} policy could not be parsed: ${(err as Error).message}` });
  }
  const displayName = childText(el, 'DisplayName');
  const policy: PolicyConfig = {
    name: named || fallbackName,
    type: el.name,
    file,
    enabled: toBoolean(attr(el, 'enabled'), true),
    continueOnError: toBoolean(attr(el, 'continueOnError'), false),
    ...(displayName !== undefined && { displayName }),
    config,
  };
  return { policy, fatal, problems };
}
