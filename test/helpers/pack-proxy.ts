// Test helper that writes a one-ProxyEndpoint bundle from a few XML fragments and zips it with packBundle.
import { packBundle } from './pack-bundle.js';

export interface ProxySpec {
  readonly name: string;
  /** ProxyEndpoint `<BasePath>`. */
  readonly basePath: string;
  /** ProxyEndpoint `<VirtualHost>` names; none binds the endpoint to every virtual host. */
  readonly virtualHosts?: readonly string[];
  /** ProxyEndpoint children besides HTTPProxyConnection; default: one RouteRule to TargetEndpoint `default`. */
  readonly proxyEndpoint?: string;
  /** Children of TargetEndpoint `default` (HTTPTargetConnection, flows); omitted: the bundle has no TargetEndpoint. */
  readonly targetEndpoint?: string;
  /** Policy XML by policy name. */
  readonly policies?: Readonly<Record<string, string>>;
}

const defaultRoute = '<RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>';

/** `<HTTPTargetConnection>` for a URL, with transport properties (short timeouts keep failing tests fast). */
export function toUrlConnection(url: string, properties: Readonly<Record<string, string>> = {}): string {
  const props = Object.entries({ 'connect.timeout.millis': '1000', 'io.timeout.millis': '2000', ...properties })
    .map(([name, value]) => `<Property name="${name}">${value}</Property>`).join('');
  return `<HTTPTargetConnection><URL>${url}</URL><Properties>${props}</Properties></HTTPTargetConnection>`;
}

export function packProxy(spec: ProxySpec): Promise<Uint8Array> {
  const virtualHosts = (spec.virtualHosts ?? []).map((vh) => `<VirtualHost>${vh}</VirtualHost>`).join('');
  const files: Record<string, string> = {
    [`apiproxy/${spec.name}.xml`]: `<APIProxy name="${spec.name}"><Description>test</Description></APIProxy>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${spec.basePath}</BasePath>${virtualHosts}</HTTPProxyConnection>
      ${spec.proxyEndpoint ?? defaultRoute}
    </ProxyEndpoint>`,
  };
  if (spec.targetEndpoint !== undefined) files['apiproxy/targets/default.xml'] = `<TargetEndpoint name="default">${spec.targetEndpoint}</TargetEndpoint>`;
  for (const [name, xml] of Object.entries(spec.policies ?? {})) files[`apiproxy/policies/${name}.xml`] = xml;
  return packBundle(files);
}
