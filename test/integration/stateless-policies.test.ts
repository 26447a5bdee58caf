// The stateless policies through a real gateway and target: CORS, BasicAuthentication, AccessControl, the three threat protections and the JSON/XML converters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

const step = (name: string) => `<Step><Name>${name}</Name></Step>`;
const flow = (name: string, suffix: string, requestSteps: string, responseSteps = '') =>
  `<Flow name="${name}"><Condition>proxy.pathsuffix MatchesPath "${suffix}"</Condition><Request>${requestSteps}</Request><Response>${responseSteps}</Response></Flow>`;
const route = '<RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>';

describe('stateless policies through a real gateway', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget((_req, res, recorded) => {
      if (recorded.url.includes('/xml')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<order><id>7</id><item>a</item><item>b</item></order>');
        return;
      }
      const body = JSON.stringify({
        url: recorded.url,
        contentType: recorded.headers['content-type'] ?? null,
        authorization: recorded.headers.authorization ?? null,
        body: recorded.body.toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': 'https://target-says.example' });
      res.end(body);
    });
    gw = await startGateway();

    await gw.deploy('cors', await packProxy({
      name: 'cors',
      basePath: '/cors',
      proxyEndpoint: `<PreFlow><Request>${step('CORS-Allow')}</Request></PreFlow>
        <Flows>${flow('fail', '/fail', step('RF-Fail'))}</Flows>${route}`,
      targetEndpoint: toUrlConnection(target.url),
      policies: {
        'CORS-Allow': `<CORS name="CORS-Allow"><AllowOrigins>https://app.example, https://admin.example</AllowOrigins>
          <AllowMethods>GET, POST</AllowMethods><AllowHeaders>content-type, x-api-key</AllowHeaders><ExposeHeaders>x-trace</ExposeHeaders>
          <MaxAge>600</MaxAge><AllowCredentials>true</AllowCredentials></CORS>`,
        'RF-Fail': '<RaiseFault name="RF-Fail"><FaultResponse><Set><StatusCode>418</StatusCode><Payload contentType="text/plain">nope</Payload></Set></FaultResponse></RaiseFault>',
      },
    }));

    await gw.deploy('guard', await packProxy({
      name: 'guard',
      basePath: '/guard',
      proxyEndpoint: `<Flows>
          ${flow('deny-loopback', '/acl/deny', step('ACL-DenyLoopback'))}
          ${flow('allow-loopback', '/acl/allow', step('ACL-AllowLoopback'))}
          ${flow('regex', '/regex', step('RE-SQL'))}
          ${flow('json', '/json', step('JTP-Limits'))}
          ${flow('xml', '/xml-in', step('XTP-Limits'))}
          ${flow('basic', '/basic', `${step('BA-Decode')}${step('AM-Who')}`)}
        </Flows>
        <RouteRule name="mock"><Condition>proxy.pathsuffix MatchesPath "/basic"</Condition></RouteRule>${route}`,
      targetEndpoint: toUrlConnection(target.url),
      policies: {
        'ACL-DenyLoopback': '<AccessControl name="ACL-DenyLoopback"><IPRules noRuleMatchAction="ALLOW"><MatchRule action="DENY"><SourceAddress mask="8">127.0.0.0</SourceAddress></MatchRule></IPRules></AccessControl>',
        'ACL-AllowLoopback': '<AccessControl name="ACL-AllowLoopback"><IPRules noRuleMatchAction="DENY"><MatchRule action="ALLOW"><SourceAddress mask="8">127.0.0.0</SourceAddress></MatchRule></IPRules></AccessControl>',
        'RE-SQL': `<RegularExpressionProtection name="RE-SQL"><Source>request</Source>
          <QueryParam name="q"><Pattern>[\\s]*((delete)|(exec)|(drop\\s*table)|(insert)|(shutdown)|(update)|(\\bor\\b))</Pattern></QueryParam></RegularExpressionProtection>`,
        'JTP-Limits': '<JSONThreatProtection name="JTP-Limits"><ContainerDepth>3</ContainerDepth><ArrayElementCount>3</ArrayElementCount><Source>request</Source></JSONThreatProtection>',
        'XTP-Limits': '<XMLThreatProtection name="XTP-Limits"><Source>request</Source><StructureLimits><NodeDepth>3</NodeDepth></StructureLimits></XMLThreatProtection>',
        'BA-Decode': `<BasicAuthentication name="BA-Decode"><Operation>Decode</Operation><IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables>
          <User ref="decoded.user"/><Password ref="decoded.password"/><Source>request.header.Authorization</Source></BasicAuthentication>`,
        'AM-Who': `<AssignMessage name="AM-Who"><AssignTo createNew="true" type="response">response</AssignTo>
          <Set><Payload contentType="text/plain">{decoded.user}/{decoded.password}</Payload></Set></AssignMessage>`,
      },
    }));

    await gw.deploy('convert', await packProxy({
      name: 'convert',
      basePath: '/convert',
      proxyEndpoint: `<Flows>
          ${flow('to-xml', '/to-xml', step('J2X'))}
          ${flow('from-xml', '/xml', '', step('X2J'))}
        </Flows>${route}`,
      targetEndpoint: `<PreFlow><Request>${step('BA-Encode')}</Request></PreFlow>${toUrlConnection(target.url)}`,
      policies: {
        J2X: '<JSONToXML name="J2X"><Source>request</Source><OutputVariable>request</OutputVariable><Options><ObjectRootElementName>Order</ObjectRootElementName></Options></JSONToXML>',
        X2J: '<XMLToJSON name="X2J"><Source>response</Source><OutputVariable>response</OutputVariable><Options><RecognizeNumber>true</RecognizeNumber></Options></XMLToJSON>',
        'BA-Encode': `<BasicAuthentication name="BA-Encode"><Operation>Encode</Operation><User ref="backend.user"/><Password ref="backend.password"/>
          <AssignTo createNew="true">request.header.Authorization</AssignTo><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables></BasicAuthentication>`,
      },
    }));
  });

  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  describe('CORS', () => {
    it('answers an accepted preflight itself without calling the target', async () => {
      const before = target.requests.length;
      const res = await request(`${gw.url()}/cors/items`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'Content-Type' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, x-api-key',
        'access-control-max-age': '600',
        'access-control-allow-credentials': 'true',
      });
      await res.body.dump();
      expect(target.requests.length).toBe(before);
    });

    it('adds its headers to the target response of an actual request, replacing the target\'s own', async () => {
      const res = await request(`${gw.url()}/cors/items`, { headers: { origin: 'https://admin.example' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('https://admin.example');
      expect(res.headers['access-control-expose-headers']).toBe('x-trace');
      expect(res.headers.vary).toBe('Origin');
      await res.body.dump();
    });

    it('adds its headers to an error response too, and none for an origin not allowed', async () => {
      const failed = await request(`${gw.url()}/cors/fail`, { headers: { origin: 'https://app.example' } });
      expect(failed.statusCode).toBe(418);
      expect(failed.headers['access-control-allow-origin']).toBe('https://app.example');
      await failed.body.dump();
      const foreign = await request(`${gw.url()}/cors/items`, { headers: { origin: 'https://evil.example' } });
      expect(foreign.headers['access-control-allow-origin']).toBe('https://target-says.example');
      await foreign.body.dump();
    });
  });

  describe('AccessControl', () => {
    it('refuses the client address with 403 IPDeniedAccess, or lets it through', async () => {
      const denied = await request(`${gw.url()}/guard/acl/deny`);
      expect(denied.statusCode).toBe(403);
      expect(await denied.body.json()).toEqual({ fault: { faultstring: 'Access Denied for client ip : 127.0.0.1', detail: { errorcode: 'accesscontrol.IPDeniedAccess', requestId: expect.any(String) } } });
      const allowed = await request(`${gw.url()}/guard/acl/allow`);
      expect(allowed.statusCode).toBe(200);
      await allowed.body.dump();
      // X-Forwarded-For from a peer that is not a trusted proxy is not believed (access-control-trusted-proxies.test.ts).
      const forwarded = await request(`${gw.url()}/guard/acl/allow`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(forwarded.statusCode).toBe(200);
      await forwarded.body.dump();
    });
  });

  describe('threat protection', () => {
    it('refuses an SQL pattern in a query parameter with 400 ThreatDetected', async () => {
      const res = await request(`${gw.url()}/guard/regex?q=${encodeURIComponent("1' or '1'='1")}`);
      expect(res.statusCode).toBe(400);
      expect(await res.body.json()).toMatchObject({ fault: { detail: { errorcode: 'steps.regexprotection.ThreatDetected' } } });
      const clean = await request(`${gw.url()}/guard/regex?q=orange`);
      expect(clean.statusCode).toBe(200);
      await clean.body.dump();
    });

    it('refuses JSON past its container depth and passes JSON within the limits', async () => {
      const res = await request(`${gw.url()}/guard/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":{"b":{"c":{}}}}' });
      expect(res.statusCode).toBe(500);
      expect(await res.body.json()).toEqual({ fault: {
        faultstring: 'JSONThreatProtection[JTP-Limits]: Execution failed. reason: JSONThreatProtection[JTP-Limits]: Exceeded container depth at line 1',
        detail: { errorcode: 'steps.jsonthreatprotection.ExecutionFailed', requestId: expect.any(String) },
      } });
      const ok = await request(`${gw.url()}/guard/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2,3]}' });
      expect(ok.statusCode).toBe(200);
      expect(JSON.parse((await ok.body.json() as { body: string }).body)).toEqual({ a: [1, 2, 3] });
    });

    it('refuses XML past its node depth and XML with a DTD', async () => {
      const deep = await request(`${gw.url()}/guard/xml-in`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a><b><c><d/></c></b></a>' });
      expect(deep.statusCode).toBe(500);
      expect(await deep.body.json()).toMatchObject({ fault: { faultstring: expect.stringContaining('Node depth exceeded 3'), detail: { errorcode: 'steps.xmlthreatprotection.ExecutionFailed' } } });
      const dtd = await request(`${gw.url()}/guard/xml-in`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>' });
      expect(dtd.statusCode).toBe(500);
      await dtd.body.dump();
    });
  });

  describe('BasicAuthentication', () => {
    it('decodes the Authorization header into variables, and faults on a malformed one', async () => {
      const res = await request(`${gw.url()}/guard/basic`, { headers: { authorization: `Basic ${Buffer.from('akash:s3cret').toString('base64')}` } });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('akash/s3cret');
      const bad = await request(`${gw.url()}/guard/basic`, { headers: { authorization: 'Bearer abc' } });
      expect(bad.statusCode).toBe(500);
      expect(await bad.body.json()).toMatchObject({ fault: { detail: { errorcode: 'steps.basicauthentication.InvalidBasicAuthenticationSource' } } });
    });
  });

  describe('JSONToXML and XMLToJSON', () => {
    it('sends the target XML converted from the client\'s JSON, with the encoded credentials', async () => {
      const res = await request(`${gw.url()}/convert/to-xml`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":7,"items":["a","b"]}' });
      expect(res.statusCode).toBe(200);
      const seen = await res.body.json() as { contentType: string; body: string; authorization: string };
      expect(seen.contentType).toBe('application/xml');
      expect(seen.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Order><id>7</id><items>a</items><items>b</items></Order>');
      // Unresolved user and password are ignored (IgnoreUnresolvedVariables true): `:` is encoded.
      expect(seen.authorization).toBe(`Basic ${Buffer.from(':').toString('base64')}`);
    });

    it('gives the client JSON converted from the target\'s XML', async () => {
      const res = await request(`${gw.url()}/convert/xml`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(await res.body.json()).toEqual({ order: { id: 7, item: ['a', 'b'] } });
    });
  });
});
