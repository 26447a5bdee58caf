// The small mock proxies deploy-scale deploys by the thousand: a null route answered by one AssignMessage.

/**
 * @param {string} api
 * @param {string} basePath
 * @param {string} [marker]  goes into the answer, so two revisions of one proxy differ
 * @returns {Record<string, string>} bundle files by path
 */
export function toMockBundle(api, basePath, marker = api) {
  return {
    [`apiproxy/${api}.xml`]: `<APIProxy name="${api}"><Description>deploy-scale mock</Description></APIProxy>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
  <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
  <PostFlow name="PostFlow"><Request/><Response><Step><Name>AM-Answer</Name></Step></Response></PostFlow>
  <RouteRule name="no-backend"/>
</ProxyEndpoint>`,
    'apiproxy/policies/AM-Answer.xml': `<AssignMessage name="AM-Answer">
  <Set><Payload contentType="application/json">{"mock":"${marker}"}</Payload><StatusCode>200</StatusCode></Set>
  <AssignTo createNew="false" type="response">response</AssignTo>
</AssignMessage>`,
  };
}
