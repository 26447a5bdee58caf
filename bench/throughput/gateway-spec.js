// The Baton side of the throughput benchmark: a pass-through bundle and the gateway child's spec.

export const ORGANIZATION = 'bench';
export const ENVIRONMENT = 'test';
export const VIRTUAL_HOST = 'default';
export const BASE_PATH = '/bench';

/**
 * The smallest Baton proxy: one BasePath, one RouteRule, one TargetEndpoint URL, no policies.
 * @param {string} targetUrl
 * @returns {Record<string, string>} bundle files by path
 */
export function toPassThroughBundle(targetUrl) {
  return {
    'apiproxy/passthrough.xml': '<APIProxy name="passthrough"><Description>throughput benchmark</Description></APIProxy>',
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
  <HTTPProxyConnection><BasePath>${BASE_PATH}</BasePath></HTTPProxyConnection>
  <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
</ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default">
  <HTTPTargetConnection><URL>${targetUrl}</URL></HTTPTargetConnection>
</TargetEndpoint>`,
  };
}

/**
 * Baton's defaults except: loopback listeners on free ports, no demo targets or samples, a short shutdown grace,
 * and log level `warn`, so that what is measured is the proxy path rather than log writing.
 * @param {string} targetUrl
 */
export function toGatewaySpec(targetUrl) {
  return {
    config: {
      admin: { host: '127.0.0.1', port: 0 },
      organizations: [{
        name: ORGANIZATION,
        environments: [{ name: ENVIRONMENT, virtualHosts: [{ name: VIRTUAL_HOST, host: '127.0.0.1', port: 0 }] }],
      }],
      timeouts: { shutdownGraceMs: 1_000 },
      logging: { level: 'warn' },
      demoTargets: { enabled: false },
      samples: { enabled: false },
    },
    deploy: [{ environment: ENVIRONMENT, api: 'passthrough', files: toPassThroughBundle(targetUrl) }],
  };
}
