import { describe, expect, it } from 'vitest';
import { serviceCalloutPolicy } from '../../../../src/policies/service-callout/execute.js';
import { DEFAULT_CALLOUT_TIMEOUT_MS } from '../../../../src/policies/service-callout/parse.js';
import { parsePolicy } from '../policy-test-kit.js';

const parse = (xml: string) => parsePolicy(serviceCalloutPolicy, xml);

describe('ServiceCallout parse', () => {
  it('reads Request actions, Response, Timeout and a URL connection with properties', () => {
    const { config, problems } = parse(`
      <ServiceCallout name="SC-Geo" async="false" continueOnError="false" enabled="true">
        <DisplayName>Geo</DisplayName>
        <Request clearPayload="true" variable="geoRequest">
          <IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
          <Set><QueryParams><QueryParam name="address">{request.queryparam.postalcode}</QueryParam></QueryParams><Verb>POST</Verb></Set>
          <Add><Headers><Header name="X-Trace">{messageid}</Header></Headers></Add>
        </Request>
        <Response>geoResponse</Response>
        <Timeout>3000</Timeout>
        <HTTPTargetConnection>
          <URL>http://maps.example.com/{request.myResourcePath}</URL>
          <Properties><Property name="success.codes">2xx, 404</Property><Property name="io.timeout.millis">1000</Property></Properties>
          <SSLInfo><Enabled>true</Enabled><IgnoreValidationErrors>true</IgnoreValidationErrors></SSLInfo>
        </HTTPTargetConnection>
      </ServiceCallout>`);
    expect(problems).toEqual([]);
    expect(config.request).toMatchObject({ variable: 'geoRequest', clearPayload: true, ignoreUnresolvedVariables: true });
    expect(config.request.actions.map((a) => a.kind)).toEqual(['Set', 'Add']);
    expect(config.response).toBe('geoResponse');
    expect(config.timeoutMs).toBe(3000);
    expect(config.connection?.url).toBe('http://maps.example.com/{request.myResourcePath}');
    expect(config.connection?.properties.get('io.timeout.millis')).toBe('1000');
    expect(config.connection?.ssl).toEqual({ enabled: true, ignoreValidationErrors: true, clientAuthEnabled: false });
    expect(config.successCodes).toEqual({ codes: [404], classes: [2] });
  });

  it('defaults: a fresh request, no Response (fire and forget), 55 s timeout', () => {
    const { config, problems } = parse('<ServiceCallout name="SC"><HTTPTargetConnection><URL>https://api.example.com</URL></HTTPTargetConnection></ServiceCallout>');
    expect(problems).toEqual([]);
    expect(config.request).toEqual({ clearPayload: false, ignoreUnresolvedVariables: false, actions: [] });
    expect(config.response).toBeUndefined();
    expect(config.timeoutMs).toBe(DEFAULT_CALLOUT_TIMEOUT_MS);
  });

  it('reads a LoadBalancer of TargetServers with a Path', () => {
    const { config, problems } = parse(`<ServiceCallout name="SC"><Response>r</Response><HTTPTargetConnection>
        <LoadBalancer><Algorithm>RoundRobin</Algorithm><Server name="ts-1"/><Server name="ts-2"><IsFallback>true</IsFallback></Server><MaxFailures>2</MaxFailures></LoadBalancer>
        <Path>/v1/lookup</Path></HTTPTargetConnection></ServiceCallout>`);
    expect(problems).toEqual([]);
    expect(config.connection?.loadBalancer?.servers.map((s) => [s.name, s.isFallback])).toEqual([['ts-1', false], ['ts-2', true]]);
    expect(config.connection?.loadBalancer?.maxFailures).toBe(2);
    expect(config.connection?.path).toBe('/v1/lookup');
  });

  it("reports Apigee's deploy errors and other mistakes by element", () => {
    expect(parse('<ServiceCallout name="SC"><Response>r</Response></ServiceCallout>').problems).toEqual([
      'ServiceCallout SC: ConnectionInfoMissing: needs an <HTTPTargetConnection>',
    ]);
    expect(parse('<ServiceCallout name="SC"><HTTPTargetConnection><URL></URL></HTTPTargetConnection></ServiceCallout>').problems).toEqual([
      'ServiceCallout SC: URLMissing: <HTTPTargetConnection> needs a <URL> or a <LoadBalancer>',
    ]);
    expect(parse('<ServiceCallout name="SC"><Timeout>soon</Timeout><HTTPTargetConnection><URL>http://h</URL></HTTPTargetConnection></ServiceCallout>').problems).toEqual([
      'ServiceCallout SC: InvalidTimeoutValue: <Timeout> must be a positive integer of milliseconds, got "soon"',
    ]);
    const { problems } = parse(`<ServiceCallout name="SC"><Response>request</Response><Reponse>x</Reponse>
        <Request variable="response"><AssignVariable><Name>a</Name></AssignVariable></Request>
        <HTTPTargetConnection><URL>{scheme}://h/x</URL><Properties><Property name="success.codes">2xx,ok</Property></Properties>
          <SSLInfo><ClientAuthEnabled>true</ClientAuthEnabled></SSLInfo></HTTPTargetConnection>
        <LocalTargetConnection><APIProxy>other</APIProxy></LocalTargetConnection></ServiceCallout>`);
    expect(problems).toEqual(expect.arrayContaining([
      'ServiceCallout SC: <Reponse> is not supported inside <ServiceCallout>',
      'ServiceCallout SC: <LocalTargetConnection> is not supported; call the other proxy through <HTTPTargetConnection><URL>',
      'ServiceCallout SC: <Response> cannot be "request": it receives a response message',
      'ServiceCallout SC: <Request variable="response">: the request variable must hold a request message',
      'ServiceCallout SC: <AssignVariable> is not supported inside <Request>',
      'ServiceCallout SC: <URL> must start with http:// or https://, got "{scheme}://h/x"',
      'ServiceCallout SC: success.codes: "ok" is neither a status code nor a class like 2xx',
      'ServiceCallout SC: <SSLInfo><ClientAuthEnabled> (mutual TLS) is not supported',
    ]));
  });

  it('checks a static URL and the templates of a dynamic one at import', () => {
    expect(parse('<ServiceCallout name="SC"><HTTPTargetConnection><URL>http://</URL></HTTPTargetConnection></ServiceCallout>').problems)
      .toEqual(['ServiceCallout SC: <URL>: URL "http://" is not a valid absolute URL']);
    expect(parse('<ServiceCallout name="SC"><HTTPTargetConnection><URL>http://{host}/{substring(a)}</URL></HTTPTargetConnection></ServiceCallout>').problems)
      .toEqual([expect.stringMatching(/^ServiceCallout SC: <URL>: /)]);
  });
});
