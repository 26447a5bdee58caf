// What a revision references from its environment (TargetServers, virtual hosts) that a target environment lacks.
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import { listLoadBalancerUses } from '../target-servers/list-load-balancer-uses.js';

/** The environment-scoped things a promotion does not carry: the target environment must already have them. */
export interface EnvironmentResources {
  readonly environment: string;
  readonly virtualHosts: readonly string[];
  readonly targetServers: ReadonlyMap<string, TargetServerDefinition>;
}

/**
 * One sentence per missing thing, in bundle order, without duplicates; empty when the revision can run there.
 * A disabled TargetServer counts as missing: the promoted proxy would have one server fewer than where it was
 * tested. Baton has no KVMs, caches or flow hooks yet, so there is nothing else a revision can reference.
 */
export function findMissingResources(bundle: ProxyBundle, target: EnvironmentResources): string[] {
  const missing = new Set<string>();
  // TargetEndpoint and ServiceCallout LoadBalancers alike; `targetServers` is the environment's live set.
  for (const use of listLoadBalancerUses(bundle)) {
    for (const name of use.servers) {
      const definition = target.targetServers.get(name);
      if (!definition) missing.add(`TargetServer ${name} does not exist in environment ${target.environment}`);
      else if (!definition.enabled) missing.add(`TargetServer ${name} is disabled in environment ${target.environment}`);
    }
  }
  for (const endpoint of bundle.proxyEndpoints) {
    for (const virtualHost of endpoint.virtualHosts) {
      if (!target.virtualHosts.includes(virtualHost)) missing.add(`VirtualHost ${virtualHost} does not exist in environment ${target.environment}`);
    }
  }
  return [...missing];
}
