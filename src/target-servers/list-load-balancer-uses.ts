// Where a bundle refers to TargetServers (LoadBalancer of TargetEndpoints and of ServiceCallout policies), and which of those uses a set of TargetServers would break.
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import type { ServiceCalloutConfig } from '../policies/service-callout/parse.js';

/** One LoadBalancer: where it is, and the TargetServer names of its `<Server>` entries. */
export interface LoadBalancerUse {
  /** `TargetEndpoint default`, `ServiceCallout SC-Lookup`. */
  readonly where: string;
  readonly servers: readonly string[];
}

export function listLoadBalancerUses(bundle: ProxyBundle): LoadBalancerUse[] {
  const uses: LoadBalancerUse[] = [];
  for (const endpoint of bundle.targetEndpoints) {
    const lb = endpoint.connection.loadBalancer;
    if (lb) uses.push({ where: `TargetEndpoint ${endpoint.name}`, servers: lb.servers.map((s) => s.name) });
  }
  for (const policy of bundle.policies) {
    if (policy.type !== 'ServiceCallout') continue;
    const lb = (policy.config as ServiceCalloutConfig).connection?.loadBalancer;
    if (lb) uses.push({ where: `ServiceCallout ${policy.name}`, servers: lb.servers.map((s) => s.name) });
  }
  return uses;
}

/**
 * Why a LoadBalancer could not be compiled against `servers` (the same rules as toLoadBalancerMembers: every
 * name must exist, and at least one must be enabled); undefined when it could.
 */
export function findLoadBalancerProblem(use: LoadBalancerUse, servers: ReadonlyMap<string, TargetServerDefinition>): string | undefined {
  const missing = use.servers.filter((name) => !servers.has(name));
  if (missing.length > 0) return `${use.where} uses TargetServer ${missing.join(', ')}, which does not exist`;
  if (use.servers.length > 0 && use.servers.every((name) => servers.get(name)?.enabled === false)) return `${use.where} would have no enabled TargetServer`;
  return undefined;
}
