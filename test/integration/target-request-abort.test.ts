// The target client's request signal (ExchangeAbort or AbortSignal) before and after the response head, and the response head checks.
import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeAbort } from '../../src/dataplane/exchange-abort.js';
import { createTargetClient, type TargetClient, type TargetRequest } from '../../src/dataplane/target-client.js';
import { ParamMap } from '../../src/engine/param-map.js';
import { TargetError } from '../../src/errors.js';
import { startRawTarget, startTarget, type TargetHandler } from '../helpers/start-target.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(url: string): TargetClient {
  const created = createTargetClient({ url, properties: new Map() }, { targetServers: new Map() });
  cleanups.push(() => created.destroy());
  return created;
}

function request(url: string, overrides: Partial<TargetRequest> = {}): TargetRequest {
  return { method: 'GET', url, headers: new ParamMap({ caseInsensitive: true }), body: undefined, clientIp: '127.0.0.1', clientProto: 'http', clientHost: 'gw.test', ...overrides };
}

/** A target that records when its response closes unfinished (the gateway aborted the request). */
async function startObservedTarget(respond: TargetHandler): Promise<{ url: string; received: Promise<void>; aborted: Promise<void> }> {
  let onReceived: () => void = () => {};
  let onAborted: () => void = () => {};
  const received = new Promise<void>((resolve) => {
    onReceived = resolve;
  });
  const aborted = new Promise<void>((resolve) => {
    onAborted = resolve;
  });
  const target = await startTarget((req, res, recorded) => {
    res.on('close', () => {
      if (!res.writableFinished) onAborted();
    });
    respond(req, res, recorded);
    onReceived();
  });
  cleanups.push(() => target.close());
  return { url: target.url, received, aborted };
}

describe('target request abort', () => {
  it('an ExchangeAbort fired while waiting for the head rejects the send and closes the target request', async () => {
    const target = await startObservedTarget(() => {});
    const abort = new ExchangeAbort();
    const sent = client(target.url).send(request(`${target.url}/x`, { signal: abort }));
    await target.received;
    abort.abort();
    await expect(sent).rejects.toBeInstanceOf(TargetError);
    await target.aborted;
  });

  it('an AbortSignal already aborted never gets a response', async () => {
    const target = await startObservedTarget((_req, res) => res.end('ok'));
    const controller = new AbortController();
    controller.abort();
    await expect(client(target.url).send(request(`${target.url}/x`, { signal: controller.signal }))).rejects.toBeInstanceOf(TargetError);
  });

  it('an ExchangeAbort fired mid-body fails the body and closes the target request', async () => {
    const target = await startObservedTarget((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk;');
    });
    const abort = new ExchangeAbort();
    const response = await client(target.url).send(request(`${target.url}/x`, { signal: abort }));
    const all = response.body.readAll(1024);
    abort.abort();
    await expect(all).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    await target.aborted;
  });

  it('an abort after the body ended changes nothing', async () => {
    const target = await startObservedTarget((_req, res) => res.end('whole'));
    const abort = new ExchangeAbort();
    const response = await client(target.url).send(request(`${target.url}/x`, { signal: abort }));
    const all = response.body.readAll(1024);
    expect((await all)?.toString()).toBe('whole');
    abort.abort();
  });

  it('a status above 599 is a 502 bad-response', async () => {
    const raw = await startRawTarget((_data, _index, socket) => socket.write('HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nno'));
    cleanups.push(() => raw.close());
    await expect(client(raw.url).send(request(`${raw.url}/x`))).rejects.toMatchObject({ status: 502, kind: 'bad-response' });
  });

  it('skips a 103 Early Hints head and answers with the final one, header case and latin1 values kept', async () => {
    const raw = await startRawTarget((_data, _index, socket) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
      socket.write(Buffer.concat([Buffer.from('HTTP/1.1 201 Made\r\nX-Mixed-Case: caf'), Buffer.from([0xe9]), Buffer.from('\r\nContent-Length: 4\r\n\r\nbody')]));
    });
    cleanups.push(() => raw.close());
    const response = await client(raw.url).send(request(`${raw.url}/x`));
    expect(response.statusCode).toBe(201);
    expect(response.reasonPhrase).toBe('Made');
    expect([...response.headers].map(([name]) => name)).toContain('X-Mixed-Case');
    expect(response.headers.get('x-mixed-case')).toBe('café');
    expect(response.headers.get('link')).toBeUndefined();
    expect((await response.body.readAll(100))?.toString()).toBe('body');
  });
});
