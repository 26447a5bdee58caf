// Target failures seen by a client of a real gateway (compat §12, reliability-security items 46-50).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { rawExchange } from '../helpers/raw-exchange.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import {
  findClosedPort, hangHandler, resetBeforeResponseHandler, resetMidBodyHandler, startRawTarget, startTarget,
  type RawTarget, type StartedTarget, type TargetHandler,
} from '../helpers/start-target.js';

/** Chunked response: headers and half a body, then the socket is destroyed (no terminating chunk). */
const chunkedDiesMidBodyHandler: TargetHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('half of the body;', () => res.socket?.destroy());
};

function faultBody(faultstring: string, errorcode: string): unknown {
  return { fault: { faultstring, detail: { errorcode, requestId: expect.any(String) } } };
}

describe('target failures through a real gateway', () => {
  let gw: TestGateway;
  let echo: StartedTarget;
  let hang: StartedTarget;
  let resetBefore: StartedTarget;
  let midBody: StartedTarget;
  let midChunk: StartedTarget;
  let garbage: RawTarget;
  // A dedicated client: a pooled connection the gateway aborted must not be reused by another test.
  const client = new Agent({ pipelining: 0 });

  beforeAll(async () => {
    [echo, hang, resetBefore, midBody, midChunk] = await Promise.all([
      startTarget(), startTarget(hangHandler), startTarget(resetBeforeResponseHandler), startTarget(resetMidBodyHandler), startTarget(chunkedDiesMidBodyHandler),
    ]);
    garbage = await startRawTarget((_data, _index, socket) => socket.end('HTTP/1.1 2OO NOT A STATUS LINE\r\n\r\n'));
    const closedPort = await findClosedPort();
    gw = await startGateway();
    const proxies: Array<[string, string, Record<string, string>?]> = [
      ['echo', echo.url],
      ['refused', `http://127.0.0.1:${closedPort}`],
      ['hang', hang.url, { 'io.timeout.millis': '300' }],
      ['resetbefore', resetBefore.url],
      ['garbage', garbage.url],
      ['midbody', midBody.url],
      ['midchunk', midChunk.url],
    ];
    for (const [name, url, properties] of proxies) {
      await gw.deploy(name, await packProxy({ name, basePath: `/${name}`, targetEndpoint: toUrlConnection(url, properties) }));
    }
  });
  afterAll(async () => {
    await client.close();
    await gw?.close();
    await Promise.all([echo, hang, resetBefore, midBody, midChunk, garbage].map((t) => t?.close()));
  });

  async function expectServing(): Promise<void> {
    const res = await request(`${gw.url()}/echo/still-there`, { dispatcher: client });
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { url: string }).url).toBe('/still-there');
  }

  it('connection refused → 503 ServiceUnavailable fault body, immediately (item 48)', async () => {
    const started = performance.now();
    const res = await request(`${gw.url()}/refused/x`, { dispatcher: client });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('application/json');
    expect(await res.body.json()).toEqual(faultBody('Service Unavailable', 'messaging.adaptors.http.flow.ServiceUnavailable'));
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('a hung target → 504 GatewayTimeout at io.timeout.millis (item 49)', async () => {
    const started = performance.now();
    const res = await request(`${gw.url()}/hang/x`, { dispatcher: client });
    const elapsedMs = performance.now() - started;
    expect(res.statusCode).toBe(504);
    expect(await res.body.json()).toEqual(faultBody('Gateway Timeout', 'messaging.adaptors.http.flow.GatewayTimeout'));
    expect(hang.requests).toHaveLength(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    // undici's headers timer has ~1 s resolution (its fast timers), so the 504 comes 300-1300 ms in.
    expect(elapsedMs).toBeLessThan(1800);
  });

  it('a reset before the response → 502 BadGateway, and a POST reaches the target once (item 47)', async () => {
    const res = await request(`${gw.url()}/resetbefore/x`, { dispatcher: client, method: 'POST', body: 'once', headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(502);
    expect(await res.body.json()).toEqual(faultBody('Bad Gateway', 'messaging.adaptors.http.flow.BadGateway'));
    expect(resetBefore.requests.map((r) => r.body.toString())).toEqual(['once']);
  });

  it('a garbage status line → 502 BadGateway (item 50)', async () => {
    const res = await request(`${gw.url()}/garbage/x`, { dispatcher: client });
    expect(res.statusCode).toBe(502);
    expect(await res.body.json()).toEqual(faultBody('Bad Gateway', 'messaging.adaptors.http.flow.BadGateway'));
    expect(garbage.received[0]?.toString('latin1')).toMatch(/^GET \/x HTTP\/1\.1\r\n/);
    await expectServing();
  });

  it('a target dying mid-body (Content-Length) makes the client body read fail, never a complete 200 (item 46)', async () => {
    const res = await request(`${gw.url()}/midbody/x`, { dispatcher: client });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('1000');
    await expect(res.body.arrayBuffer()).rejects.toThrow();
    expect(gw.logs.some((l) => l.msg === 'target response body failed mid-stream')).toBe(true);
    await expectServing();
  });

  it('a target dying mid-body (chunked) leaves the client stream without its terminating chunk (item 46)', async () => {
    const port = Number(new URL(gw.url()).port);
    for (let i = 0; i < 3; i++) {
      const reply = await rawExchange(port, 'GET /midchunk/x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
      // Either nothing at all, or a 200 head whose chunked body stops short: never a complete-looking response.
      if (reply !== '') {
        expect(reply).toMatch(/^HTTP\/1\.1 200 /);
        expect(reply.toLowerCase()).toContain('transfer-encoding: chunked');
        expect(reply).not.toMatch(/\r\n0\r\n\r\n$/);
      }
    }
    expect(midChunk.requests).toHaveLength(3);
    await expectServing();
  });
});
