// The ProxyEndpoint and TargetEndpoint JSON of `GET …/revisions/{rev}/proxies|targets/{name}` (compat §2.4, §2.5.3).
import type { HttpTargetConnectionConfig, ProxyEndpointConfig, TargetEndpointConfig } from '../bundle/proxy-bundle.js';

export interface PropertyView {
  readonly name: string;
  readonly value: string;
}

export interface ProxyEndpointView {
  readonly name: string;
  readonly connection: {
    /** The endpoint's own `<BasePath>`, without any deployment base path. */
    readonly basePath: string;
    readonly connectionType: 'httpConnection';
    readonly properties: { readonly property: PropertyView[] };
    readonly virtualHost: string[];
  };
}

export interface TargetEndpointView {
  readonly name: string;
  readonly connection: {
    readonly connectionType: 'httpConnection';
    readonly url?: string;
    readonly loadBalancer?: {
      readonly algorithm: string;
      readonly server: Array<{ readonly name: string; readonly weight: number; readonly isFallback: boolean }>;
      readonly maxFailures: number;
      readonly retryEnabled: boolean;
    };
    readonly path?: string;
    readonly properties: { readonly property: PropertyView[] };
    readonly sSLInfo?: { readonly enabled: boolean; readonly ignoreValidationErrors: boolean; readonly clientAuthEnabled: boolean };
  };
}

const toPropertiesView = (properties: ReadonlyMap<string, string>): { property: PropertyView[] } => ({
  property: [...properties].map(([name, value]) => ({ name, value })),
});

/**
 * `defaultVirtualHosts` stands in when the XML names no `<VirtualHost>`: Edge then binds every virtual host of the
 * environment (compat §2.5.3), and clients read `virtualHost[0]` without a guard.
 */
export function toProxyEndpointView(endpoint: ProxyEndpointConfig, defaultVirtualHosts: readonly string[] = []): ProxyEndpointView {
  return {
    name: endpoint.name,
    connection: {
      basePath: endpoint.basePath,
      connectionType: 'httpConnection',
      properties: toPropertiesView(endpoint.properties),
      virtualHost: [...(endpoint.virtualHosts.length > 0 ? endpoint.virtualHosts : defaultVirtualHosts)],
    },
  };
}

function toTargetConnectionView(connection: HttpTargetConnectionConfig): TargetEndpointView['connection'] {
  const balancer = connection.loadBalancer;
  return {
    connectionType: 'httpConnection',
    ...(connection.url !== undefined && { url: connection.url }),
    ...(balancer && {
      loadBalancer: {
        algorithm: balancer.algorithm,
        server: balancer.servers.map((s) => ({ name: s.name, weight: s.weight, isFallback: s.isFallback })),
        maxFailures: balancer.maxFailures,
        retryEnabled: balancer.retryEnabled,
      },
    }),
    ...(connection.path !== undefined && { path: connection.path }),
    properties: toPropertiesView(connection.properties),
    ...(connection.ssl && { sSLInfo: { ...connection.ssl } }),
  };
}

/** `{ name, connection }` mirroring `HTTPTargetConnection` (compat §2.4, our choice). */
export function toTargetEndpointView(endpoint: TargetEndpointConfig): TargetEndpointView {
  return { name: endpoint.name, connection: toTargetConnectionView(endpoint.connection) };
}
