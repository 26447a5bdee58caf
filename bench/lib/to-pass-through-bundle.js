// The smallest proxy bundle in front of a target, named and based as a benchmark needs.

/**
 * A pass-through proxy: one BasePath, one RouteRule, a TargetEndpoint URL, no policies. `description` tells two
 * revisions of the same proxy apart (different bytes, same behaviour).
 * @param {{ api: string, basePath: string, targetUrl: string, description: string }} options
 * @returns {Record<string, string>} bundle files by path
 */
export function toPassThroughBundle(options) {
  return {
    [`apiproxy/${options.api}.xml`]: `<APIProxy name="${options.api}"><Description>${options.description}</Description></APIProxy>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
  <HTTPProxyConnection><BasePath>${options.basePath}</BasePath></HTTPProxyConnection>
  <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
</ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default">
  <HTTPTargetConnection><URL>${options.targetUrl}</URL></HTTPTargetConnection>
</TargetEndpoint>`,
  };
}
