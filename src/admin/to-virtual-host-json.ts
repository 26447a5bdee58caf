// The Edge virtual host JSON (compat §4) for a configured virtual host, under the name a client asked for.
import type { EnvironmentConfig, VirtualHostConfig } from '../config.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';

export interface VirtualHostJson {
  readonly name: string;
  /** A string, as Edge sends it. */
  readonly port: string;
  /** Exactly one entry: tooling builds one URL per alias and expects one URL per deployment. */
  readonly hostAliases: readonly [string];
  readonly interfaces: readonly string[];
  readonly listenOptions: readonly string[];
  readonly retryOptions: readonly string[];
  readonly properties: { readonly property: readonly never[] };
  /** Only for TLS: tooling treats any truthy `enabled`, including the string "false", as https. */
  readonly sSLInfo?: {
    readonly enabled: 'true';
    readonly clientAuthEnabled: 'true' | 'false';
    readonly ignoreValidationErrors: 'false';
    readonly ciphers: readonly string[];
    readonly protocols: readonly string[];
  };
}

/**
 * The virtual host names to list: the configured ones, then names that deployed ProxyEndpoints reference but the
 * environment does not configure (compat §4: each must answer 200).
 */
export function listVirtualHostNames(environment: EnvironmentConfig, runtime: EnvironmentRuntime | undefined): string[] {
  const names = environment.virtualHosts.map((v) => v.name);
  const referenced = new Set<string>();
  for (const deployed of runtime?.deployed.values() ?? []) {
    for (const endpoint of deployed.compiled.proxyEndpoints) for (const name of endpoint.virtualHosts) referenced.add(name);
  }
  return [...names, ...[...referenced].filter((name) => !names.includes(name)).sort()];
}

/**
 * The configured virtual host of that name; a name that is only referenced maps to the listener named `default`
 * (else the first one). Undefined when the name is neither configured nor referenced.
 */
export function findVirtualHost(environment: EnvironmentConfig, runtime: EnvironmentRuntime | undefined, name: string): VirtualHostConfig | undefined {
  const configured = environment.virtualHosts.find((v) => v.name === name);
  if (configured) return configured;
  if (!listVirtualHostNames(environment, runtime).includes(name)) return undefined;
  return environment.virtualHosts.find((v) => v.name === 'default') ?? environment.virtualHosts[0];
}

/** `boundPort` is the port the listener really has (it differs from the config's when that is 0). */
export function toVirtualHostJson(name: string, virtualHost: VirtualHostConfig, boundPort = virtualHost.port): VirtualHostJson {
  const json: VirtualHostJson = {
    name,
    port: String(boundPort),
    hostAliases: [virtualHost.hostAliases[0] ?? toShownHost(virtualHost.host)],
    interfaces: [],
    listenOptions: [],
    retryOptions: [],
    properties: { property: [] },
  };
  const tls = virtualHost.tls;
  if (!tls) return json;
  return {
    ...json,
    sSLInfo: {
      enabled: 'true',
      clientAuthEnabled: tls.clientAuth ? 'true' : 'false',
      ignoreValidationErrors: 'false',
      ciphers: tls.ciphers ? tls.ciphers.split(':').filter((c) => c !== '') : [],
      // Node's default minimum is TLSv1.2.
      protocols: tls.minVersion === 'TLSv1.3' ? ['TLSv1.3'] : ['TLSv1.2', 'TLSv1.3'],
    },
  };
}

/** A bind address a client can use: wildcard binds are reached as localhost. */
function toShownHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
