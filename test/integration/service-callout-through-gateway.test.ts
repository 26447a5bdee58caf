// ServiceCallout through a real gateway: a callout to a loopback target, its result extracted into the client's response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

function calloutProxy(calloutUrl: string): Promise<Uint8Array> {
  return packProxy({
    name: 'enrich',
    basePath: '/enrich',
    proxyEndpoint: `
      <PreFlow><Request><Step><Name>SC-Lookup</Name></Step><Step><Name>EV-Lookup</Name></Step></Request>
        <Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow>
      <FaultRules><FaultRule name="callout-failed"><Condition>fault.name = "ExecutionFailed"</Condition><Step><Name>AM-Callout-Failed</Name></Step></FaultRule></FaultRules>
      <RouteRule name="none"/>`,
    policies: {
      'SC-Lookup': `<ServiceCallout name="SC-Lookup">
          <Request variable="lookupRequest"><Set><Verb>POST</Verb><Headers><Header name="X-Customer">{request.queryparam.customer}</Header></Headers>
            <Payload contentType="application/json">{"customer":"{request.queryparam.customer}"}</Payload></Set></Request>
          <Response>lookupResponse</Response><Timeout>2000</Timeout>
          <HTTPTargetConnection><URL>${calloutUrl}/customers/{request.queryparam.customer}</URL></HTTPTargetConnection>
        </ServiceCallout>`,
      'EV-Lookup': `<ExtractVariables name="EV-Lookup"><Source>lookupResponse</Source><VariablePrefix>customer</VariablePrefix>
          <JSONPayload><Variable name="tier"><JSONPath>$.tier</JSONPath></Variable></JSONPayload></ExtractVariables>`,
      'AM-Answer': `<AssignMessage name="AM-Answer"><AssignTo>response</AssignTo>
          <Set><Payload contentType="application/json">{"tier":"{customer.tier}","calloutStatus":"{lookupResponse.status.code}","via":"{lookupResponse.header.x-served-by}","uri":"{servicecallout.requesturi}"}</Payload></Set></AssignMessage>`,
      'AM-Callout-Failed': `<AssignMessage name="AM-Callout-Failed"><AssignTo>response</AssignTo>
          <Set><StatusCode>502</StatusCode><Payload contentType="text/plain">lookup failed: {lookupResponse.status.code} {servicecallout.SC-Lookup.failed}</Payload></Set></AssignMessage>`,
    },
  });
}

describe('ServiceCallout through a gateway', () => {
  let gw: TestGateway;
  let backend: StartedTarget;

  beforeAll(async () => {
    backend = await startTarget((req, res, recorded) => {
      const customer = req.headers['x-customer'];
      const status = customer === 'ghost' ? 404 : 200;
      const body = JSON.stringify({ tier: customer === 'c-1' ? 'gold' : 'basic', received: JSON.parse(recorded.body.toString('utf8')) as unknown });
      res.writeHead(status, { 'content-type': 'application/json', 'x-served-by': 'backend-1' });
      res.end(body);
    });
    gw = await startGateway();
    await gw.deploy('enrich', await calloutProxy(backend.url));
  });
  afterAll(async () => {
    await gw?.close();
    await backend?.close();
  });

  it("calls out, and the callout's response reaches the client through ExtractVariables", async () => {
    const res = await request(`${gw.url()}/enrich?customer=c-1`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ tier: 'gold', calloutStatus: '200', via: 'backend-1', uri: '/customers/c-1' });
    const sent = backend.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/customers/c-1');
    expect(JSON.parse(sent.body.toString('utf8'))).toEqual({ customer: 'c-1' });
  });

  it('a 404 from the callout raises ExecutionFailed, handled by a FaultRule that reads the stored response', async () => {
    const res = await request(`${gw.url()}/enrich?customer=ghost`);
    expect(res.statusCode).toBe(502);
    expect(await res.body.text()).toBe('lookup failed: 404 true');
  });
});
