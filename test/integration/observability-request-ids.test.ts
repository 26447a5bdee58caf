// Request ids through a real gateway: client → target header → response header → messageid → access log → fault body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';
import { waitForLogLine } from './observability-fixture.js';

const generatedId = /^[0-9a-f]{16}-[0-9a-z]+$/;

function packEcho(targetUrl: string): Promise<Uint8Array> {
  return packProxy({
    name: 'echo',
    basePath: '/echo',
    proxyEndpoint: `<Flows>
        <Flow name="fail"><Condition>proxy.pathsuffix MatchesPath "/fail"</Condition><Request><Step><Name>RF-Default</Name></Step></Request></Flow>
        <Flow name="custom"><Condition>proxy.pathsuffix MatchesPath "/custom"</Condition><Request><Step><Name>RF-Custom</Name></Step></Request></Flow>
        <Flow name="handled"><Condition>proxy.pathsuffix MatchesPath "/handled"</Condition><Request><Step><Name>RF-Default</Name></Step></Request></Flow>
      </Flows>
      <PostFlow><Response><Step><Name>AM-MessageId</Name></Step></Response></PostFlow>
      <FaultRules><FaultRule name="rewrite"><Condition>proxy.pathsuffix MatchesPath "/handled"</Condition><Step><Name>AM-Handled</Name></Step></FaultRule></FaultRules>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
    targetEndpoint: toUrlConnection(targetUrl),
    policies: {
      'AM-MessageId': '<AssignMessage name="AM-MessageId"><AssignTo>response</AssignTo><Set><Headers><Header name="x-message-id">{messageid}</Header></Headers></Set></AssignMessage>',
      'RF-Default': '<RaiseFault name="RF-Default"/>',
      'RF-Custom': `<RaiseFault name="RF-Custom"><FaultResponse><Set><StatusCode>418</StatusCode>
        <Payload contentType="application/json">{"fault":{"faultstring":"custom","detail":{"errorcode":"custom.code"}}}</Payload></Set></FaultResponse></RaiseFault>`,
      'AM-Handled': '<AssignMessage name="AM-Handled"><AssignTo>response</AssignTo><Set><Payload contentType="text/plain">handled</Payload></Set></AssignMessage>',
    },
  });
}

describe('request ids', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    await gw.deploy('echo', await packEcho(target.url));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  const call = async (path: string, requestId?: string): Promise<{ status: number; id: string; messageId: unknown; body: string }> => {
    const res = await request(`${gw.url()}${path}`, { headers: requestId === undefined ? {} : { 'x-request-id': requestId } });
    return { status: res.statusCode, id: String(res.headers['x-request-id']), messageId: res.headers['x-message-id'], body: await res.body.text() };
  };

  it('keeps a valid client id end to end: target header, response header, messageid, access log', async () => {
    const clientId = 'client-chosen id/42';
    const res = await call('/echo/items', clientId);
    expect(res.status).toBe(200);
    expect(res.id).toBe(clientId);
    expect(res.messageId).toBe(clientId);
    const received = target.requests.at(-1)!;
    expect(received.rawHeaders.filter((_v, i, all) => i % 2 === 0 && all[i]!.toLowerCase() === 'x-request-id')).toHaveLength(1);
    expect(received.headers['x-request-id']).toBe(clientId);
    const line = await waitForLogLine(gw.logs, (l) => l.access === true && l.requestId === clientId);
    expect(line).toMatchObject({ proxy: 'echo', status: 200 });
  });

  it('generates distinct ids when the client sends none, and forwards them', async () => {
    const first = await call('/echo/a');
    const second = await call('/echo/b');
    expect(first.id).toMatch(generatedId);
    expect(second.id).toMatch(generatedId);
    expect(second.id).not.toBe(first.id);
    expect(first.messageId).toBe(first.id);
    expect(target.requests.at(-1)!.headers['x-request-id']).toBe(second.id);
  });

  it('replaces an id that is too long or not printable ASCII, for the target too', async () => {
    for (const invalid of ['x'.repeat(201), 'caf\u00e9']) {
      const res = await call('/echo/c', invalid);
      expect(res.id).toMatch(generatedId);
      expect(target.requests.at(-1)!.headers['x-request-id']).toBe(res.id);
    }
    expect((await call('/echo/c', 'y'.repeat(200))).id).toBe('y'.repeat(200));
  });

  it('puts the id in default fault bodies (detail.requestId) of flow faults and of unrouted requests', async () => {
    const fault = await call('/echo/fail', 'fault-id-1');
    expect(fault.status).toBe(500);
    expect(fault.id).toBe('fault-id-1');
    expect(JSON.parse(fault.body)).toEqual({ fault: { faultstring: 'Raising fault. Fault name : RF-Default', detail: { errorcode: 'steps.raisefault.RaiseFault', requestId: 'fault-id-1' } } });

    const unrouted = await call('/nowhere', 'fault-id-2');
    expect(unrouted.status).toBe(404);
    expect(unrouted.id).toBe('fault-id-2');
    expect(JSON.parse(unrouted.body)).toMatchObject({ fault: { detail: { errorcode: 'messaging.adaptors.http.flow.ApplicationNotFound', requestId: 'fault-id-2' } } });
  });

  it('leaves a fault body a policy wrote untouched (only the header carries the id)', async () => {
    const custom = await call('/echo/custom', 'fault-id-3');
    expect(custom.status).toBe(418);
    expect(custom.id).toBe('fault-id-3');
    expect(JSON.parse(custom.body)).toEqual({ fault: { faultstring: 'custom', detail: { errorcode: 'custom.code' } } });
    const handled = await call('/echo/handled', 'fault-id-4');
    expect(handled.body).toBe('handled');
    expect(handled.id).toBe('fault-id-4');
  });
});
