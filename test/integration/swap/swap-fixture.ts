// Shared setup of the swap tests: the `swap` proxy bundle and a gateway tuned for load (no access log).
import { packProxy, toUrlConnection } from '../../helpers/pack-proxy.js';
import { startGateway, type StartGatewayOptions, type TestGateway } from '../../helpers/start-gateway.js';
import type { LoadResponse } from '../../helpers/start-load.js';

export const SWAP_API = 'swap';
export const SWAP_BASE_PATH = '/swap';

export interface SwapProxySpec {
  readonly targetUrl: string;
  /** Adds response header `H: <value>` in the ProxyEndpoint response PreFlow. */
  readonly headerValue?: string;
  /** The ProxyEndpoint's only `<VirtualHost>` (e.g. one the environment does not have); none: every virtual host. */
  readonly virtualHost?: string;
}

/** `/swap` → the target URL (path suffix appended); optionally stamps `H: <value>` on every response. */
export function packSwapProxy(spec: SwapProxySpec): Promise<Uint8Array> {
  const stamp = spec.headerValue === undefined ? '' : '<PreFlow><Response><Step><Name>AM-Stamp</Name></Step></Response></PreFlow>';
  return packProxy({
    name: SWAP_API,
    basePath: SWAP_BASE_PATH,
    virtualHosts: spec.virtualHost === undefined ? undefined : [spec.virtualHost],
    proxyEndpoint: `${stamp}<RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
    targetEndpoint: toUrlConnection(spec.targetUrl, { 'io.timeout.millis': '10000' }),
    policies: spec.headerValue === undefined ? {} : {
      'AM-Stamp': `<AssignMessage name="AM-Stamp"><AssignTo createNew="false" type="response">response</AssignTo>
        <Set><Headers><Header name="H">${spec.headerValue}</Header></Headers></Set></AssignMessage>`,
    },
  });
}

/**
 * Environment `test` with its plain-HTTP virtual host only (no certificate to generate at each start), and no
 * access log: thousands of parsed log lines would only slow the load down.
 */
export function startSwapGateway(options: StartGatewayOptions = {}): Promise<TestGateway> {
  return startGateway({
    ...options,
    customize: (config) => ({
      ...config,
      organizations: config.organizations.map((org) => ({
        ...org,
        environments: org.environments.filter((env) => env.name === 'test').map((env) => ({ ...env, virtualHosts: env.virtualHosts.filter((vh) => !vh.tls) })),
      })),
      logging: { ...config.logging, accessLog: false },
    }),
  });
}

/** The `upstream` of a swap target's JSON echo, or undefined. */
export function toUpstreamLabel(response: LoadResponse): string | undefined {
  try {
    const echo = JSON.parse(response.body.toString('utf8')) as { upstream?: unknown };
    return typeof echo.upstream === 'string' ? echo.upstream : undefined;
  } catch {
    return undefined;
  }
}

/** `${revision}` as the gateway writes it in `X-Baton-Revision`. */
export function toRevisionHeader(revision: number): string {
  return `${SWAP_API}/${revision}`;
}
