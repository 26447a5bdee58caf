// Test fixture: a ProxyBundle holding only the references a promotion checks (LoadBalancer servers, virtual hosts).
import type { ProxyBundle } from '../../../src/bundle/proxy-bundle.js';

/** Only what findMissingResources reads: LoadBalancer server names (TargetEndpoints, ServiceCallouts) and ProxyEndpoint virtual hosts. */
export function toReferencingBundle(spec: { servers?: readonly string[][]; virtualHosts?: readonly string[][]; calloutServers?: readonly string[][] }): ProxyBundle {
  return {
    targetEndpoints: (spec.servers ?? []).map((names, index) => ({
      name: `t${index}`,
      connection: names.length === 0
        ? { url: 'http://127.0.0.1:1', properties: new Map() }
        : { loadBalancer: { algorithm: 'RoundRobin', servers: names.map((name) => ({ name, weight: 1, isFallback: false })), maxFailures: 0, retryEnabled: true }, properties: new Map() },
    })),
    proxyEndpoints: (spec.virtualHosts ?? []).map((virtualHosts, index) => ({ name: `p${index}`, virtualHosts })),
    // ServiceCallout policies whose LoadBalancer names these TargetServers.
    policies: (spec.calloutServers ?? []).map((names, index) => ({
      name: `SC-${index}`,
      type: 'ServiceCallout',
      config: { connection: { loadBalancer: { algorithm: 'RoundRobin', servers: names.map((name) => ({ name, weight: 1, isFallback: false })), maxFailures: 0, retryEnabled: true }, properties: new Map() } },
    })),
  } as unknown as ProxyBundle;
}
