// The drain ceiling's documented outcome (504 + a log line) and an undeploy with a delay.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createGatedHandler, startTarget, type StartedTarget } from '../helpers/start-target.js';

const M = '/v1/organizations/demo';

function passThrough(url: string): Promise<Uint8Array> {
  return packBundle({
    'apiproxy/slow.xml': '<APIProxy name="slow"/>',
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/slow</BasePath></HTTPProxyConnection>
      <RouteRule name="r"><TargetEndpoint>default</TargetEndpoint></RouteRule></ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default"><HTTPTargetConnection><URL>${url}</URL>
      <Properties><Property name="io.timeout.millis">20000</Property></Properties></HTTPTargetConnection></TargetEndpoint>`,
  });
}

describe('draining an undeployed revision', () => {
  let gw: TestGateway | undefined;
  let target: StartedTarget | undefined;
  let release: (() => void) | undefined;
  afterEach(async () => {
    release?.();
    await gw?.close();
    await target?.close();
    gw = undefined;
    target = undefined;
  });

  it('ends a request still in flight at the drain ceiling with a 504 DrainTimeout fault and a log line', async () => {
    const gate = createGatedHandler();
    release = gate.release;
    target = await startTarget(gate.handler);
    gw = await startGateway({ timeouts: { drainCeilingMs: 300 } });
    await gw.deploy('slow', await passThrough(target.url));
    const stuck = request(`${gw.url()}/slow/wait`);
    await target.waitForRequests(1);
    expect((await gw.admin.delete(`${M}/environments/test/apis/slow/revisions/1/deployments`)).status).toBe(200);
    const res = await stuck;
    expect(res.statusCode).toBe(504);
    expect(await res.body.json()).toEqual({
      fault: { faultstring: 'The revision serving this request was undeployed before it completed', detail: { errorcode: 'messaging.runtime.DrainTimeout', requestId: expect.any(String) } },
    });
    await gw.gateway.deployments.settle();
    expect(gw.logs.some((l) => l.msg === 'drain ceiling reached: ending an in-flight request' && l.api === 'slow')).toBe(true);
  });

  it('lets a request in flight finish on its revision when it ends before the ceiling', async () => {
    const gate = createGatedHandler();
    release = gate.release;
    target = await startTarget(gate.handler);
    gw = await startGateway();
    await gw.deploy('slow', await passThrough(target.url));
    const inFlight = request(`${gw.url()}/slow/wait`);
    await target.waitForRequests(1);
    await gw.admin.delete(`${M}/environments/test/apis/slow/revisions/1/deployments`);
    expect((await request(`${gw.url()}/slow/new`)).statusCode).toBe(404);
    gate.release();
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-baton-revision']).toBe('slow/1');
    await res.body.text();
  });

  it('keeps an undeployed revision serving for the delay, then takes it out', async () => {
    target = await startTarget();
    gw = await startGateway();
    await gw.deploy('slow', await passThrough(target.url));
    const res = await gw.admin.delete(`${M}/environments/test/apis/slow/revisions/1/deployments`, { query: { delay: '1' } });
    expect(res.status).toBe(200);
    const body = res.json<{ state: string; baton: { undeployAt: number } }>();
    expect(body.state).toBe('undeployed');
    expect(body.baton.undeployAt).toBeGreaterThan(Date.now());
    const during = await request(`${gw.url()}/slow/x`);
    expect(during.statusCode).toBe(200);
    await during.body.text();
    await gw.gateway.deployments.settle();
    const after = await request(`${gw.url()}/slow/x`);
    expect(after.statusCode).toBe(404);
    await after.body.text();
    expect(gw.gateway.deployments.list('demo', { environment: 'test', api: 'slow' })).toEqual([]);
  });
});
