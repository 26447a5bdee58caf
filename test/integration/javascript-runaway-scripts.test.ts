// A looping or hoarding script fails its own request with a fault while the gateway keeps serving everyone else.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { echoHandler, startTarget, type StartedTarget } from '../helpers/start-target.js';

const LOOP_TIME_LIMIT_MS = 3_000;

/** A proxy with no target whose response flow runs one Javascript step. */
function scriptProxy(name: string, timeLimitMs: number, code: string): Promise<Uint8Array> {
  return packBundle({
    [`apiproxy/${name}.xml`]: `<APIProxy name="${name}"><Description>test</Description></APIProxy>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>/${name}</BasePath></HTTPProxyConnection>
      <PreFlow name="PreFlow"><Response><Step><Name>Work</Name></Step></Response></PreFlow>
      <RouteRule name="none"/>
    </ProxyEndpoint>`,
    'apiproxy/policies/Work.xml': `<Javascript name="Work" timeLimit="${timeLimitMs}"><Source><![CDATA[${code}]]></Source></Javascript>`,
  });
}

function passThrough(url: string): Promise<Uint8Array> {
  return packBundle({
    'apiproxy/plain.xml': '<APIProxy name="plain"><Description>test</Description></APIProxy>',
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/plain</BasePath></HTTPProxyConnection>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule></ProxyEndpoint>`,
    'apiproxy/targets/default.xml': `<TargetEndpoint name="default"><HTTPTargetConnection><URL>${url}</URL></HTTPTargetConnection></TargetEndpoint>`,
  });
}

async function timed(url: string): Promise<{ status: number; body: string; ms: number; doneAt: number }> {
  const started = performance.now();
  const res = await request(url);
  const body = await res.body.text();
  const doneAt = performance.now();
  return { status: res.statusCode, body, ms: doneAt - started, doneAt };
}

describe('runaway scripts', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget(echoHandler);
    gw = await startGateway();
    // `started`: the looping script tells the test (through the target) that it is running, then never ends.
    await gw.deploy('looping', await scriptProxy('looping', LOOP_TIME_LIMIT_MS,
      `httpClient.get('${target.url}/started').waitForComplete(); for (;;) {}`));
    await gw.deploy('hoarding', await scriptProxy('hoarding', 60_000,
      'var hoard = []; for (;;) hoard.push(new Array(100000).fill(1.5));'));
    await gw.deploy('quick', await scriptProxy('quick', LOOP_TIME_LIMIT_MS,
      "response.content = 'quick ' + context.getVariable('request.queryparam.n');"));
    await gw.deploy('plain', await passThrough(target.url));
  });

  afterAll(async () => {
    await gw.close();
    await target.close();
  });

  it('fails an endless loop at its timeLimit while other requests, with and without scripts, are answered meanwhile', async () => {
    const looping = timed(`${gw.url()}/looping`);
    await target.waitForRequests(1);
    expect(target.requests[0]?.url).toBe('/started');

    const others: Array<Awaited<ReturnType<typeof timed>>> = [];
    for (let n = 0; n < 5; n++) {
      others.push(await timed(`${gw.url()}/quick?n=${n}`));
      others.push(await timed(`${gw.url()}/plain/p${n}`));
    }
    const loop = await looping;

    expect(others.map((o) => o.status)).toEqual(Array(10).fill(200));
    expect(others.filter((_, i) => i % 2 === 0).map((o) => o.body)).toEqual(['quick 0', 'quick 1', 'quick 2', 'quick 3', 'quick 4']);
    // Answered while the loop was still running, each well within the loop's time limit.
    for (const other of others) {
      expect(other.ms).toBeLessThan(LOOP_TIME_LIMIT_MS);
      expect(other.doneAt).toBeLessThan(loop.doneAt);
    }
    expect(loop.status).toBe(500);
    expect(JSON.parse(loop.body)).toMatchObject({
      fault: {
        faultstring: `Execution of Work failed with error: Javascript runtime exceeded limit of ${LOOP_TIME_LIMIT_MS}ms`,
        detail: { errorcode: 'steps.javascript.ScriptExecutionFailed' },
      },
    });
    expect(loop.ms).toBeGreaterThanOrEqual(LOOP_TIME_LIMIT_MS);
    expect(loop.ms).toBeLessThan(LOOP_TIME_LIMIT_MS + 5_000);
  });

  it('fails a runaway allocation with a fault and keeps serving scripts afterwards', async () => {
    const hoard = await timed(`${gw.url()}/hoarding`);
    expect(hoard.status).toBe(500);
    expect(JSON.parse(hoard.body)).toMatchObject({
      fault: {
        faultstring: 'Execution of Work failed with error: Javascript runtime exceeded its memory limit',
        detail: { errorcode: 'steps.javascript.ScriptExecutionFailed' },
      },
    });
    const after = await Promise.all([0, 1, 2, 3].map((n) => timed(`${gw.url()}/quick?n=${n}`)));
    expect(after.map((a) => [a.status, a.body])).toEqual([0, 1, 2, 3].map((n) => [200, `quick ${n}`]));
    expect(gw.logs.some((line) => line.msg === 'script host ran out of memory')).toBe(true);
  });
});
