// A proxy that answers `{"rev": "<label>"}` itself (null route): tells which revision served a request.
import { packBundle } from './pack-bundle.js';

export function packMockProxy(name: string, basePath: string, label: string): Promise<Uint8Array> {
  return packBundle({
    [`apiproxy/${name}.xml`]: `<APIProxy name="${name}"/>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
      <PreFlow><Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
    'apiproxy/policies/AM-Answer.xml': `<AssignMessage name="AM-Answer"><AssignTo>response</AssignTo>
      <Set><Payload contentType="application/json">{"rev":"${label}"}</Payload></Set></AssignMessage>`,
  });
}
