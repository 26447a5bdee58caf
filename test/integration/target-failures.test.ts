import { afterEach, describe, expect, it } from 'vitest';
import { createTargetClient, type TargetClient, type TargetRequest } from '../../src/dataplane/target-client.js';
import type { TargetBody } from '../../src/dataplane/target-body.js';
import { ParamMap } from '../../src/engine/param-map.js';
import { TargetError } from '../../src/errors.js';
import {
  findClosedPort,
  hangHandler,
  resetBeforeResponseHandler,
  resetMidBodyHandler,
  stallMidBodyHandler,
  startRawTarget,
  startTarget,
} from '../helpers/start-target.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(url: string, properties: Record<string, string> = {}): TargetClient {
  const created = createTargetClient({ url, properties: new Map(Object.entries(properties)) }, { targetServers: new Map() });
  cleanups.push(() => created.destroy());
  return created;
}

function request(url: string, overrides: Partial<TargetRequest> = {}): TargetRequest {
  return {
    method: 'GET',
    url,
    headers: new ParamMap({ caseInsensitive: true }),
    body: undefined,
    clientIp: '127.0.0.1',
    clientProto: 'http',
    clientHost: 'gw.test',
    ...overrides,
  };
}

async function readAll(body: TargetBody): Promise<Buffer> {
  return Buffer.concat(await body.toReadable().toArray());
}

async function sendExpectingFault(c: TargetClient, req: TargetRequest): Promise<TargetError> {
  const outcome = await c.send(req).then(
    (response) => {
      response.body.discard();
      return new Error(`expected a fault, got ${response.statusCode}`);
    },
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(TargetError);
  return outcome as TargetError;
}

describe('target failures map to Apigee faults (reliability-security items 46-50)', () => {
  it('connection refused → 503 ServiceUnavailable, immediately', async () => {
    const port = await findClosedPort();
    const started = performance.now();
    const fault = await sendExpectingFault(client(`http://127.0.0.1:${port}`), request(`http://127.0.0.1:${port}/x`));
    expect(fault).toMatchObject({ status: 503, kind: 'connect', errorCode: 'messaging.adaptors.http.flow.ServiceUnavailable' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('connect timeout → 503 after connect.timeout.millis (blackhole simulated by a TLS handshake that never completes)', async () => {
    // Loopback cannot drop SYNs; undici's connect timeout also covers the TLS handshake, so a peer that accepts
    // TCP and then stays silent is a faithful blackhole for it.
    const silent = await startRawTarget(() => {});
    cleanups.push(() => silent.close());
    const url = `https://127.0.0.1:${silent.port}`;
    const started = performance.now();
    const fault = await sendExpectingFault(client(url, { 'connect.timeout.millis': '200' }), request(`${url}/x`));
    const elapsedMs = performance.now() - started;
    expect(fault).toMatchObject({ status: 503, kind: 'connect-timeout' });
    expect(elapsedMs).toBeGreaterThanOrEqual(150);
    expect(elapsedMs).toBeLessThan(200 + 200);
  });

  it('target accepts and never answers → 504 GatewayTimeout at io.timeout.millis', async () => {
    const target = await startTarget(hangHandler);
    cleanups.push(() => target.close());
    const started = performance.now();
    const fault = await sendExpectingFault(client(target.url, { 'io.timeout.millis': '200' }), request(`${target.url}/x`));
    expect(fault).toMatchObject({ status: 504, kind: 'read-timeout', errorCode: 'messaging.adaptors.http.flow.GatewayTimeout' });
    // undici's response timers have ~1 s resolution (fast timers), so only "within a second" is promised.
    expect(performance.now() - started).toBeLessThan(200 + 1500);
  });

  it('reset before the response → 502, and a POST is delivered once (never retried)', async () => {
    const target = await startTarget(resetBeforeResponseHandler);
    cleanups.push(() => target.close());
    const fault = await sendExpectingFault(client(target.url), request(`${target.url}/x`, { method: 'POST', body: Buffer.from('once') }));
    expect(fault).toMatchObject({ status: 502, kind: 'reset', errorCode: 'messaging.adaptors.http.flow.BadGateway' });
    expect(target.requests).toHaveLength(1);
  });

  it('reset mid-body → the response body stream errors; it never ends cleanly', async () => {
    const target = await startTarget(resetMidBodyHandler);
    cleanups.push(() => target.close());
    const response = await client(target.url).send(request(`${target.url}/x`));
    expect(response.statusCode).toBe(200);
    await expect(readAll(response.body)).rejects.toThrow();
  });

  it('target stalls mid-body → the body stream errors at io.timeout.millis', async () => {
    const target = await startTarget(stallMidBodyHandler);
    cleanups.push(() => target.close());
    const response = await client(target.url, { 'io.timeout.millis': '200' }).send(request(`${target.url}/x`));
    await expect(readAll(response.body)).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });
});

describe('garbage from the target (item 50): 502, and the next request on the pool is correctly framed', () => {
  const cases: Array<[string, string]> = [
    ['an invalid status line', 'HTTP/1.1 abc Nope\r\nContent-Length: 0\r\n\r\n'],
    ['status 999', 'HTTP/1.1 999 Weird\r\nContent-Length: 0\r\n\r\n'],
    ['NUL in a header', 'HTTP/1.1 200 OK\r\nX-Bad: a\u0000b\r\nContent-Length: 0\r\n\r\n'],
    ['duplicate Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    ['Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['raw binary', '\u0000\u00ff\u0013\u0037garbage'],
  ];

  it.each(cases)('%s', async (_label, garbage) => {
    const raw = await startRawTarget((data, _index, socket) => {
      for (const [, id] of data.toString('latin1').matchAll(/^x-req-id: (\S+)\r$/gim)) {
        if (id === 'bad') socket.write(garbage, 'latin1');
        else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${id?.length ?? 0}\r\n\r\n${id}`);
      }
    });
    cleanups.push(() => raw.close());
    const c = client(raw.url);
    const withId = (id: string): TargetRequest => request(`${raw.url}/`, { headers: new ParamMap({ caseInsensitive: true }, [['X-Req-Id', id]]) });
    const fault = await sendExpectingFault(c, withId('bad'));
    expect(fault.status).toBe(502);
    for (const id of ['good-1', 'good-2']) {
      const response = await c.send(withId(id));
      expect(response.statusCode).toBe(200);
      expect((await readAll(response.body)).toString()).toBe(id);
    }
  });

  it('a body longer than its Content-Length never leaks into the next response', async () => {
    const raw = await startRawTarget((data, _index, socket) => {
      for (const [, id] of data.toString('latin1').matchAll(/^x-req-id: (\S+)\r$/gim)) {
        if (id === 'first') socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled');
        else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${id?.length ?? 0}\r\n\r\n${id}`);
      }
    });
    cleanups.push(() => raw.close());
    const c = client(raw.url);
    const withId = (id: string): TargetRequest => request(`${raw.url}/`, { headers: new ParamMap({ caseInsensitive: true }, [['X-Req-Id', id]]) });
    const first = await c.send(withId('first'));
    expect((await readAll(first.body)).toString()).toBe('ok');
    const second = await c.send(withId('second'));
    expect((await readAll(second.body)).toString()).toBe('second');
  });
});
