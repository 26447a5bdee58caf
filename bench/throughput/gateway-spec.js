// The Baton side of the throughput benchmark: the pass-through and 5-policy bundles and the gateway child's spec.

export const ORGANIZATION = 'bench';
export const ENVIRONMENT = 'test';
export const VIRTUAL_HOST = 'default';
export const BASE_PATH = '/bench';
export const POLICIES_API = 'policies';
export const POLICIES_BASE_PATH = '/policies';

/**
 * What the policy chain reads from each request (ExtractVariables) and what it must answer with (AssignMessage,
 * from what ExtractVariables and the Javascript policy set): the check request and the load send the same.
 */
export const POLICIES_QUERY = '?id=42';
export const POLICIES_REQUEST_HEADERS = Object.freeze({ 'x-client': 'bench-client' });
export const POLICIES_RESPONSE_HEADERS = Object.freeze({ 'x-bench-client': 'bench-client', 'x-bench-item': 'item-42' });

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
 * Nine conditional flows that do not match `GET /json` and are evaluated in full before the tenth, which does:
 * each starts with a clause that is true for the benchmark's request, so `and` does not cut the evaluation short.
 * Operators as real proxies use them: MatchesPath, =, StartsWith, JavaRegex, Like, and header/query conditions.
 */
const NON_MATCHING_CONDITIONS = [
  '(request.verb = "GET") and (proxy.pathsuffix MatchesPath "/orders/*")',
  '(request.verb = "GET") and (proxy.pathsuffix MatchesPath "/orders/*/items/**")',
  '(request.verb != "DELETE") and (proxy.pathsuffix StartsWith "/customers")',
  '(request.header.x-client = "bench-client") and (request.verb = "POST")',
  '(proxy.pathsuffix JavaRegex "/json") and (request.queryparam.debug = "true")',
  '(request.verb = "GET") and (proxy.pathsuffix Like "/products/*")',
  '(request.verb = "GET") and (request.header.content-type StartsWith "application/xml")',
  '(request.queryparam.id != null) and (proxy.pathsuffix MatchesPath "/inventory/{sku}")',
  '((request.verb = "PUT") or (request.verb = "PATCH")) and (proxy.pathsuffix MatchesPath "/json")',
];
const MATCHING_CONDITION = '(request.verb = "GET") and (proxy.pathsuffix MatchesPath "/json")';

/**
 * A proxy with a realistic chain of five: SpikeArrest and ExtractVariables (query parameter and header) in the
 * PreFlow, ten conditional flows of which the last matches and runs a small inline Javascript policy, and an
 * AssignMessage in the response PostFlow setting two headers from templates. The answer's headers prove every
 * step ran (POLICIES_RESPONSE_HEADERS).
 *
 * SpikeArrest uses UseEffectiveCount: with Apigee's smoothing (the default) a rate of 1,000,000ps allows one
 * message per microsecond, and Baton's counters read a millisecond clock, so two requests in the same millisecond
 * would be refused (see README). With UseEffectiveCount the rate is a count per second, never reached here.
 * @param {string} targetUrl
 * @returns {Record<string, string>} bundle files by path
 */
export function toPoliciesBundle(targetUrl) {
  const flows = [...NON_MATCHING_CONDITIONS, MATCHING_CONDITION].map((condition, i) => {
    const last = i === NON_MATCHING_CONDITIONS.length;
    return `    <Flow name="${last ? 'get-json' : `flow-${i + 1}`}">
      <Condition>${condition.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</Condition>
      <Request>${last ? '<Step><Name>JS-Stamp</Name></Step>' : ''}</Request>
      <Response/>
    </Flow>`;
  });
  return {
    [`apiproxy/${POLICIES_API}.xml`]: `<APIProxy name="${POLICIES_API}"><Description>throughput benchmark: a five-policy chain</Description></APIProxy>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
  <PreFlow name="PreFlow">
    <Request>
      <Step><Name>SA-Spike</Name></Step>
      <Step><Name>EV-Input</Name></Step>
    </Request>
    <Response/>
  </PreFlow>
  <Flows>
${flows.join('\n')}
  </Flows>
  <PostFlow name="PostFlow">
    <Request/>
    <Response><Step><Name>AM-Headers</Name></Step></Response>
  </PostFlow>
  <HTTPProxyConnection><BasePath>${POLICIES_BASE_PATH}</BasePath></HTTPProxyConnection>
  <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>
</ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default">
  <HTTPTargetConnection><URL>${targetUrl}</URL></HTTPTargetConnection>
</TargetEndpoint>`,
    'apiproxy/policies/SA-Spike.xml': `<SpikeArrest name="SA-Spike">
  <Rate>1000000ps</Rate>
  <UseEffectiveCount>true</UseEffectiveCount>
</SpikeArrest>`,
    'apiproxy/policies/EV-Input.xml': `<ExtractVariables name="EV-Input">
  <Source>request</Source>
  <QueryParam name="id"><Pattern ignoreCase="true">{id}</Pattern></QueryParam>
  <Header name="x-client"><Pattern ignoreCase="true">{client}</Pattern></Header>
  <VariablePrefix>input</VariablePrefix>
  <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
</ExtractVariables>`,
    'apiproxy/policies/JS-Stamp.xml': `<Javascript name="JS-Stamp" timeLimit="200">
  <Source><![CDATA[
var item = 'item-' + context.getVariable('input.id');
context.setVariable('bench.item', item);
context.setVariable('request.header.x-bench-item', item);
]]></Source>
</Javascript>`,
    'apiproxy/policies/AM-Headers.xml': `<AssignMessage name="AM-Headers">
  <Set>
    <Headers>
      <Header name="X-Bench-Client">{input.client}</Header>
      <Header name="X-Bench-Item">{bench.item}</Header>
    </Headers>
  </Set>
  <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
  <AssignTo createNew="false" transport="http" type="response"/>
</AssignMessage>`,
  };
}

/**
 * Baton's defaults (log level info, one access-log line per request, data-plane metrics) except: loopback
 * listeners on free ports, no demo targets or samples, a short shutdown grace, and log lines written to `logFile`
 * (the same pino destination as `baton serve`'s stdout, so formatting and writing each access-log line is
 * measured; a terminal or pipe would add its reader's cost, which is not Baton's).
 * @param {string} targetUrl
 * @param {string} logFile
 */
export function toGatewaySpec(targetUrl, logFile) {
  return {
    config: {
      admin: { host: '127.0.0.1', port: 0 },
      organizations: [{
        name: ORGANIZATION,
        environments: [{ name: ENVIRONMENT, virtualHosts: [{ name: VIRTUAL_HOST, host: '127.0.0.1', port: 0 }] }],
      }],
      timeouts: { shutdownGraceMs: 1_000 },
      logging: { level: 'info', accessLog: true, accessLogSampleRate: 1 },
      demoTargets: { enabled: false },
      samples: { enabled: false },
    },
    logFile,
    deploy: [
      { environment: ENVIRONMENT, api: 'passthrough', files: toPassThroughBundle(targetUrl) },
      { environment: ENVIRONMENT, api: POLICIES_API, files: toPoliciesBundle(targetUrl) },
    ],
  };
}

/**
 * toGatewaySpec with the access log off and nothing else changed: measured beside the default gateway, it shows
 * what the access log costs in the same run.
 * @param {string} targetUrl
 * @param {string} logFile  still written: lifecycle lines, and proof that no access-log line was
 */
export function toNoAccessLogGatewaySpec(targetUrl, logFile) {
  const spec = toGatewaySpec(targetUrl, logFile);
  return { ...spec, config: { ...spec.config, logging: { ...spec.config.logging, accessLog: false } } };
}
