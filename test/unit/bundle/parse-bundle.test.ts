import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../../src/bundle/parse-bundle.js';
import type { BundleFiles } from '../../../src/bundle/read-bundle-zip.js';
import { BundleError } from '../../../src/errors.js';
import { am, minimalFiles, registry, toFiles } from './parse-bundle-fixtures.js';

const parse = (files: BundleFiles) => parseBundle(files, { registry, apiName: 'hello' });

function parseError(files: BundleFiles): BundleError {
  try {
    parse(files);
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    return err as BundleError;
  }
  throw new Error('parseBundle did not throw');
}

const fullBundle = toFiles({
  'Weather.xml': `<APIProxy revision="7" name="ignored">
      <Description>Weather API</Description><DisplayName>Weather</DisplayName><Basepaths>/v1/weather</Basepaths>
      <Policies><Policy>Stale</Policy></Policies></APIProxy>`,
  'manifests/manifest.xml': '<Manifest name="manifest"/>',
  'resources/jsc/lib/a.js': 'var a = 1;',
  'proxies/main.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection>
        <VirtualHost>default</VirtualHost><VirtualHost>secure</VirtualHost>
        <Properties><Property name="__proto__">x</Property><Property name="a">1</Property></Properties>
        <BasePath>v1/weather/</BasePath>
      </HTTPProxyConnection>
      <RouteRule name="lb"><TargetEndpoint>balanced</TargetEndpoint><Condition>request.verb = "POST"</Condition></RouteRule>
      <RouteRule name="direct"><Condition>request.verb = "PUT"</Condition><URL>https://example.com/put</URL></RouteRule>
      <RouteRule name="noroute"/>
      <FaultRules>
        <FaultRule name="invalid-key">
          <Step><Condition>fault.name = "x"</Condition><Name>AM-Fault</Name></Step>
          <Condition>fault.name = "InvalidApiKey"</Condition>
        </FaultRule>
      </FaultRules>
      <DefaultFaultRule name="all"><AlwaysEnforce>true</AlwaysEnforce><Step><Name>AM-Fault</Name></Step></DefaultFaultRule>
      <PreFlow name="PreFlow">
        <Request><Step><Name>JS-Set</Name><Condition>request.header.x != null</Condition></Step></Request>
        <Response/>
      </PreFlow>
      <Flows>
        <Flow name="get">
          <Response><Step><Name>AM-Fault</Name></Step></Response>
          <Condition>(proxy.pathsuffix MatchesPath "/t1") and (request.verb = "GET")</Condition>
          <Request/>
        </Flow>
        <Flow name="catch-all"><Request><Step><Name>RF-Unknown</Name></Step></Request></Flow>
      </Flows>
      <PostFlow name="PostFlow"><Request/><Response/></PostFlow>
      <PostClientFlow><Response><Step><Name>AM-Fault</Name></Step></Response></PostClientFlow>
    </ProxyEndpoint>`,
  'targets/balanced.xml': `<TargetEndpoint name="balanced">
      <HTTPTargetConnection>
        <Path>/api</Path>
        <LoadBalancer>
          <Algorithm>Weighted</Algorithm>
          <Server name="ts-1"><Weight>3</Weight></Server>
          <Server name="ts-2" weight="2" isFallback="true"/>
          <MaxFailures>5</MaxFailures>
          <RetryEnabled>false</RetryEnabled>
        </LoadBalancer>
        <SSLInfo><Enabled>true</Enabled><ClientAuthEnabled>true</ClientAuthEnabled></SSLInfo>
        <Properties><Property name="io.timeout.millis">5000</Property></Properties>
      </HTTPTargetConnection>
      <PreFlow><Request><Step><Name>AM-Fault</Name></Step></Request></PreFlow>
    </TargetEndpoint>`,
  'policies/a.xml': '<AssignMessage name="AM-Fault" enabled="false" continueOnError="true"><DisplayName> Fault body </DisplayName></AssignMessage>',
  'policies/js.xml': '<Javascript name="JS-Set"><ResourceURL>jsc://lib/a.js</ResourceURL></Javascript>',
  'policies/RF-Unknown.xml': '<RaiseFault name="RF-Unknown"/>',
});

describe('parseBundle: the model', () => {
  const { bundle, problems } = parse(fullBundle);

  it('finds no problem in a valid bundle', () => {
    expect(problems).toEqual([]);
  });

  it('reads the root metadata and keeps every file', () => {
    expect(bundle.displayName).toBe('Weather');
    expect(bundle.description).toBe('Weather API');
    expect(bundle.basepaths).toEqual(['/v1/weather']);
    expect([...bundle.files.keys()].sort()).toEqual([...fullBundle.keys()].sort());
    expect([...bundle.resources.keys()]).toEqual(['jsc://lib/a.js']);
  });

  it('parses the ProxyEndpoint: connection, flows, fault rules, route rules, whatever the element order', () => {
    const [proxy] = bundle.proxyEndpoints;
    expect(proxy).toMatchObject({ name: 'default', file: 'proxies/main.xml', basePath: '/v1/weather', virtualHosts: ['default', 'secure'] });
    expect([...proxy!.properties]).toEqual([['__proto__', 'x'], ['a', '1']]);
    expect(proxy!.preFlow).toEqual({ name: 'PreFlow', request: [{ name: 'JS-Set', condition: 'request.header.x != null' }], response: [] });
    expect(proxy!.flows).toEqual([
      { name: 'get', condition: '(proxy.pathsuffix MatchesPath "/t1") and (request.verb = "GET")', request: [], response: [{ name: 'AM-Fault' }] },
      { name: 'catch-all', request: [{ name: 'RF-Unknown' }], response: [] },
    ]);
    expect(proxy!.postFlow).toEqual({ name: 'PostFlow', request: [], response: [] });
    expect(proxy!.postClientFlow).toEqual({ name: 'PostClientFlow', request: [], response: [{ name: 'AM-Fault' }] });
    expect(proxy!.faultRules).toEqual([{ name: 'invalid-key', condition: 'fault.name = "InvalidApiKey"', steps: [{ name: 'AM-Fault', condition: 'fault.name = "x"' }] }]);
    expect(proxy!.defaultFaultRule).toEqual({ name: 'all', alwaysEnforce: true, steps: [{ name: 'AM-Fault' }] });
    expect(proxy!.routeRules).toEqual([
      { name: 'lb', condition: 'request.verb = "POST"', targetEndpoint: 'balanced' },
      { name: 'direct', condition: 'request.verb = "PUT"', url: 'https://example.com/put' },
      { name: 'noroute' },
    ]);
  });

  it('parses a load-balanced TargetEndpoint', () => {
    const [target] = bundle.targetEndpoints;
    expect(target).toMatchObject({ name: 'balanced', file: 'targets/balanced.xml', preFlow: { name: 'PreFlow', request: [{ name: 'AM-Fault' }], response: [] } });
    expect(target!.connection.url).toBeUndefined();
    expect(target!.connection.path).toBe('/api');
    expect(target!.connection.loadBalancer).toEqual({
      algorithm: 'Weighted',
      servers: [{ name: 'ts-1', weight: 3, isFallback: false }, { name: 'ts-2', weight: 2, isFallback: true }],
      maxFailures: 5,
      retryEnabled: false,
    });
    expect(target!.connection.ssl).toEqual({ enabled: true, ignoreValidationErrors: false, clientAuthEnabled: true });
    expect([...target!.connection.properties]).toEqual([['io.timeout.millis', '5000']]);
  });

  it('identifies policies by their name attribute and reads the common attributes', () => {
    const byName = new Map(bundle.policies.map((p) => [p.name, p]));
    expect(byName.get('AM-Fault')).toEqual({ name: 'AM-Fault', type: 'AssignMessage', file: 'policies/a.xml', enabled: false, continueOnError: true, displayName: 'Fault body', config: { kind: 'am' } });
    expect(byName.get('JS-Set')).toMatchObject({ type: 'Javascript', enabled: true, continueOnError: false, config: { url: 'jsc://lib/a.js' } });
    expect(byName.get('JS-Set')!.displayName).toBeUndefined();
  });

  it('keeps Object.prototype untouched by a Property named __proto__', () => {
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe('parseBundle: root file', () => {
  it('parses a root-only bundle with problems instead of throwing', () => {
    const { bundle, problems } = parse(toFiles({ 'hello.xml': '<APIProxy name="hello"/>' }));
    expect(bundle.proxyEndpoints).toEqual([]);
    expect(problems).toEqual([{ file: 'hello.xml', message: expect.stringContaining('no ProxyEndpoint') }]);
  });

  it('synthesizes the root when there is none', () => {
    const { bundle, problems } = parse(minimalFiles({ 'hello.xml': null }));
    expect(problems).toEqual([]);
    expect(bundle.basepaths).toEqual([]);
    expect(new TextDecoder().decode(bundle.files.get('hello.xml'))).toBe('<APIProxy name="hello"/>\n');
    expect(bundle.proxyEndpoints.map((p) => p.basePath)).toEqual(['/hello']);
  });

  it('refuses more than one root XML file', () => {
    const error = parseError(minimalFiles({ 'other.xml': '<APIProxy name="other"/>' }));
    expect(error.status).toBe(400);
    expect(error.problems).toEqual([{ file: 'other.xml', message: expect.stringContaining('more than one root XML file') }]);
  });

  it('falls back to file names for endpoints without a name attribute', () => {
    const { bundle } = parse(minimalFiles({
      'proxies/default.xml': '<ProxyEndpoint><HTTPProxyConnection><BasePath>/</BasePath></HTTPProxyConnection><RouteRule name="r"/></ProxyEndpoint>',
    }));
    expect(bundle.proxyEndpoints[0]).toMatchObject({ name: 'default', basePath: '/' });
  });
});

describe('parseBundle: unreadable bundles throw', () => {
  it('refuses malformed XML, naming the file', () => {
    const error = parseError(minimalFiles({ 'proxies/default.xml': '<ProxyEndpoint name="default"><PreFlow></ProxyEndpoint>' }));
    expect(error.problems).toEqual([{ file: 'proxies/default.xml', message: expect.stringContaining('malformed XML') }]);
  });

  it('refuses a DOCTYPE in a policy (test plan 28)', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><AssignMessage name="AM-Hello">&lol2;</AssignMessage>';
    const error = parseError(minimalFiles({ 'policies/AM-Hello.xml': lol }));
    expect(error.status).toBe(400);
    expect(error.problems).toEqual([{ file: 'policies/AM-Hello.xml', message: expect.stringContaining('DOCTYPE') }]);
  });

  it('refuses an unknown policy type, listing the supported ones', () => {
    const error = parseError(minimalFiles({ 'policies/x.xml': '<FlowCallout name="FC"/>' }));
    expect(error.problems).toEqual([{ file: 'policies/x.xml', message: 'unknown policy type FlowCallout; supported types: AssignMessage, Javascript, RaiseFault' }]);
  });

  it('refuses a policy whose type reported problems', () => {
    const error = parseError(minimalFiles({ 'policies/js.xml': '<Javascript name="JS"><ResourceURL>jsc://missing.js</ResourceURL></Javascript>' }));
    expect(error.problems).toEqual([{ file: 'policies/js.xml', message: 'ResourceURL jsc://missing.js names no resource of the bundle' }]);
  });

  it('reports every unreadable file at once', () => {
    const error = parseError(minimalFiles({ 'policies/x.xml': '<Nope name="x"/>', 'targets/default.xml': '<TargetEndpoint', 'policies/y.xml': '<!ENTITY x "y"><a/>' }));
    expect(error.problems.map((p) => p.file).sort()).toEqual(['policies/x.xml', 'policies/y.xml', 'targets/default.xml']);
  });

  it('refuses 10,000 nested elements (test plan 29)', () => {
    const deep = `<ProxyEndpoint name="default">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</ProxyEndpoint>`;
    const error = parseError(minimalFiles({ 'proxies/default.xml': deep }));
    expect(error.problems).toEqual([{ file: 'proxies/default.xml', message: expect.stringMatching(/nested|depth/i) }]);
  });

  it('refuses XML tags named __proto__ without polluting', () => {
    const error = parseError(minimalFiles({ 'policies/AM-Hello.xml': '<AssignMessage name="AM-Hello"><__proto__><polluted>1</polluted></__proto__></AssignMessage>' }));
    expect(error.problems[0]!.file).toBe('policies/AM-Hello.xml');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('parseBundle: deployability problems are returned with their file', () => {
  const problemsOf = (extra: Record<string, string | null>) => parse(minimalFiles(extra)).problems;

  it('a Step naming an undefined policy', () => {
    expect(problemsOf({ 'proxies/default.xml': `<ProxyEndpoint name="default"><PostFlow><Response><Step><Name>AM-Missing</Name></Step></Response></PostFlow>
      <RouteRule name="r"/></ProxyEndpoint>` })).toEqual([{ file: 'proxies/default.xml', message: 'Step AM-Missing refers to a policy that does not exist' }]);
  });

  it('a Step naming an undefined policy in a TargetEndpoint FaultRule', () => {
    expect(problemsOf({ 'targets/default.xml': `<TargetEndpoint name="default"><FaultRules><FaultRule name="f"><Step><Name>AM-Missing</Name></Step></FaultRule></FaultRules>
      <HTTPTargetConnection><URL>http://127.0.0.1:9</URL></HTTPTargetConnection></TargetEndpoint>` }))
      .toEqual([{ file: 'targets/default.xml', message: 'Step AM-Missing refers to a policy that does not exist' }]);
  });

  it('a RouteRule naming an undefined TargetEndpoint', () => {
    expect(problemsOf({ 'targets/default.xml': null })).toEqual([{ file: 'proxies/default.xml', message: 'RouteRule default refers to TargetEndpoint default, which does not exist' }]);
  });

  it('a bad condition expression', () => {
    const problems = problemsOf({ 'proxies/default.xml': `<ProxyEndpoint name="default"><Flows><Flow name="f"><Condition>(request.verb = "GET"</Condition></Flow></Flows>
      <RouteRule name="r"/></ProxyEndpoint>` });
    expect(problems).toEqual([{ file: 'proxies/default.xml', message: expect.stringContaining('Flow f: invalid Condition "(request.verb = \\"GET\\""') }]);
  });

  it('bad conditions on Steps, FaultRules and RouteRules', () => {
    const problems = problemsOf({ 'proxies/default.xml': `<ProxyEndpoint name="default">
      <PreFlow><Request><Step><Name>AM-Hello</Name><Condition>a = = b</Condition></Step></Request></PreFlow>
      <FaultRules><FaultRule name="fr"><Condition>(x</Condition></FaultRule></FaultRules>
      <RouteRule name="r"><Condition>) y</Condition></RouteRule></ProxyEndpoint>` });
    expect(problems.map((p) => p.message.split(':')[0])).toEqual(['Step AM-Hello in PreFlow Request', 'FaultRule fr', 'RouteRule r']);
  });

  it('duplicate policy names, whatever the file names', () => {
    expect(problemsOf({ 'policies/copy.xml': am('AM-Hello') })).toEqual([{ file: 'policies/copy.xml', message: 'policy name AM-Hello is already used by policies/AM-Hello.xml' }]);
  });

  it('duplicate endpoint names', () => {
    const problems = problemsOf({
      'proxies/second.xml': '<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/other</BasePath></HTTPProxyConnection><RouteRule name="r"/></ProxyEndpoint>',
      'targets/second.xml': '<TargetEndpoint name="default"><HTTPTargetConnection><URL>http://127.0.0.1:9</URL></HTTPTargetConnection></TargetEndpoint>',
    });
    expect(problems).toEqual([
      { file: 'proxies/second.xml', message: 'ProxyEndpoint name default is already used by proxies/default.xml' },
      { file: 'targets/second.xml', message: 'TargetEndpoint name default is already used by targets/default.xml' },
    ]);
  });

  it('two ProxyEndpoints with the same BasePath on a shared virtual host', () => {
    const second = (vhosts: string) => `<ProxyEndpoint name="second"><HTTPProxyConnection><BasePath>/hello/</BasePath>${vhosts}</HTTPProxyConnection><RouteRule name="r"/></ProxyEndpoint>`;
    expect(problemsOf({ 'proxies/second.xml': second('<VirtualHost>secure</VirtualHost>') }))
      .toEqual([{ file: 'proxies/second.xml', message: expect.stringContaining('BasePath /hello, already used by ProxyEndpoint default') }]);
    const disjoint = {
      'proxies/default.xml': '<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/hello</BasePath><VirtualHost>default</VirtualHost></HTTPProxyConnection><RouteRule name="r"/></ProxyEndpoint>',
      'proxies/second.xml': second('<VirtualHost>secure</VirtualHost>'),
    };
    expect(problemsOf(disjoint)).toEqual([]);
  });

  it('a TargetEndpoint with neither URL nor LoadBalancer', () => {
    expect(problemsOf({ 'targets/default.xml': '<TargetEndpoint name="default"><HTTPTargetConnection/></TargetEndpoint>' }))
      .toEqual([{ file: 'targets/default.xml', message: 'TargetEndpoint default has neither a URL nor a LoadBalancer' }]);
  });

  it('a non-http(s) target URL', () => {
    expect(problemsOf({ 'targets/default.xml': '<TargetEndpoint name="default"><HTTPTargetConnection><URL>file:///etc/passwd</URL></HTTPTargetConnection></TargetEndpoint>' }))
      .toEqual([{ file: 'targets/default.xml', message: 'TargetEndpoint default: URL "file:///etc/passwd" is not an http or https URL' }]);
  });

  it('a LoadBalancer with no Server', () => {
    expect(problemsOf({ 'targets/default.xml': '<TargetEndpoint name="default"><HTTPTargetConnection><LoadBalancer><MaxFailures>1</MaxFailures></LoadBalancer></HTTPTargetConnection></TargetEndpoint>' }))
      .toEqual([{ file: 'targets/default.xml', message: 'TargetEndpoint default: LoadBalancer has no Server' }]);
  });

  it('every problem of the bundle at once', () => {
    const problems = problemsOf({
      'proxies/default.xml': '<ProxyEndpoint name="default"><PreFlow><Request><Step><Name>AM-Missing</Name></Step></Request></PreFlow><RouteRule name="r"><TargetEndpoint>nope</TargetEndpoint></RouteRule></ProxyEndpoint>',
      'targets/default.xml': '<TargetEndpoint name="default"><HTTPTargetConnection><URL>gopher://x</URL></HTTPTargetConnection></TargetEndpoint>',
      'policies/b.xml': '<AssignMessage/>',
    });
    expect(problems.map((p) => p.file).sort()).toEqual(['policies/b.xml', 'proxies/default.xml', 'proxies/default.xml', 'targets/default.xml']);
  });
});
