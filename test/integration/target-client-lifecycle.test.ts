import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpTargetConnectionConfig } from '../../src/bundle/proxy-bundle.js';
import { createTargetClient, type TargetClient, type TargetRequest, type TargetResponse } from '../../src/dataplane/target-client.js';
import { ParamMap } from '../../src/engine/param-map.js';
import { createGatedHandler, hangHandler, startTarget, type StartedTarget, type TargetHandler } from '../helpers/start-target.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function live(handler?: TargetHandler, options?: { keepAliveTimeoutMs?: number }): Promise<StartedTarget> {
  const target = await startTarget(handler, options);
  cleanups.push(() => target.close());
  return target;
}

function client(connection: HttpTargetConnectionConfig): TargetClient {
  const created = createTargetClient(connection, { targetServers: new Map() });
  cleanups.push(() => created.destroy());
  return created;
}

function request(url: string): TargetRequest {
  return { method: 'GET', url, headers: new ParamMap({ caseInsensitive: true }), body: undefined, clientIp: '127.0.0.1', clientProto: 'http', clientHost: 'gw.test' };
}

async function drain(response: TargetResponse): Promise<TargetResponse> {
  await response.body.toReadable().toArray();
  return response;
}

describe('target client lifecycle', () => {
  it('close() waits for the in-flight request, which completes; later sends are refused', async () => {
    const gate = createGatedHandler();
    const target = await live(gate.handler);
    const other = await live();
    const c = client({ url: target.url, properties: new Map() });
    const inFlight = c.send(request(`${target.url}/slow`));
    await target.waitForRequests(1);
    let closed = false;
    const closing = c.close().then(() => {
      closed = true;
    });
    // Let several I/O turns pass (a real round trip elsewhere) so an eager close would have resolved.
    const probe = createTargetClient({ url: other.url, properties: new Map() }, { targetServers: new Map() });
    await drain(await probe.send(request(`${other.url}/`)));
    await probe.close();
    expect(closed).toBe(false);
    gate.release();
    const response = await drain(await inFlight);
    expect(response.statusCode).toBe(200);
    await closing;
    expect(closed).toBe(true);
    await expect(c.send(request(`${target.url}/late`))).rejects.toMatchObject({ status: 503 });
  });

  it('destroy() aborts in-flight requests', async () => {
    const target = await live(hangHandler);
    const c = client({ url: target.url, properties: new Map() });
    const inFlight = c.send(request(`${target.url}/hang`));
    await target.waitForRequests(1);
    await c.destroy();
    await expect(inFlight).rejects.toMatchObject({ status: 502 });
  });

  it('keeps connections alive across requests', async () => {
    const target = await live();
    const c = client({ url: target.url, properties: new Map() });
    for (let i = 0; i < 10; i++) await drain(await c.send(request(`${target.url}/${i}`)));
    // undici's Pool may open a second socket while the first is still flagged busy; never one per request.
    expect(target.connectionCount).toBeLessThanOrEqual(2);
  });

  it('honours a short server Keep-Alive hint instead of reusing a socket the server is about to close (item 51)', async () => {
    // node:http announces `Keep-Alive: timeout=1`; less undici's 2 s margin, the pool must not reuse the socket.
    const target = await live(undefined, { keepAliveTimeoutMs: 1000 });
    const c = client({ url: target.url, properties: new Map() });
    for (let i = 0; i < 3; i++) await drain(await c.send(request(`${target.url}/${i}`)));
    expect(target.connectionCount).toBe(3);
  });

  it('does not follow redirects', async () => {
    const target = await live((_req, res) => {
      res.writeHead(302, { location: '/elsewhere', 'content-length': '0' });
      res.end();
    });
    const response = await drain(await client({ url: target.url, properties: new Map() }).send(request(`${target.url}/start`)));
    expect(response.statusCode).toBe(302);
    expect(response.headers.get('location')).toBe('/elsewhere');
    expect(target.requests.map((r) => r.url)).toEqual(['/start']);
  });

  it('reports target.host and target.ip', async () => {
    const target = await live();
    const response = await drain(await client({ url: target.url, properties: new Map() }).send(request(`${target.url}/`)));
    expect(response.targetHost).toBe('127.0.0.1');
    expect(response.targetIp).toBe('127.0.0.1');
  });

  it('SSLInfo IgnoreValidationErrors decides whether a self-signed target is accepted', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' } as Parameters<typeof generate>[1]);
    const server = createHttpsServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('secure'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    server.on('connection', (socket) => cleanups.push(async () => void socket.destroy()));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const lenient = client({ url, properties: new Map(), ssl: { enabled: true, ignoreValidationErrors: true, clientAuthEnabled: false } });
    const ok = await lenient.send(request(`${url}/`));
    expect(Buffer.concat(await ok.body.toReadable().toArray()).toString()).toBe('secure');

    const strict = client({ url, properties: new Map(), ssl: { enabled: true, ignoreValidationErrors: false, clientAuthEnabled: false } });
    await expect(strict.send(request(`${url}/`))).rejects.toMatchObject({ status: 503, kind: 'connect' });
  });
});
