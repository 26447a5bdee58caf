import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createTargetClient, type TargetClient, type TargetRequest } from '../../src/dataplane/target-client.js';
import type { TargetBody } from '../../src/dataplane/target-body.js';
import { ParamMap } from '../../src/engine/param-map.js';
import { PolicyFault } from '../../src/errors.js';
import { startRawTarget, startTarget, type StartedTarget } from '../helpers/start-target.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(handler?: Parameters<typeof startTarget>[0]): Promise<{ target: StartedTarget; client: TargetClient }> {
  const target = await startTarget(handler);
  cleanups.push(() => target.close());
  const client = createTargetClient({ url: `${target.url}/base`, properties: new Map() }, { targetServers: new Map() });
  cleanups.push(() => client.destroy());
  return { target, client };
}

function request(url: string, pairs: Array<[string, string]>, overrides: Partial<TargetRequest> = {}): TargetRequest {
  return {
    method: 'GET',
    url,
    headers: new ParamMap({ caseInsensitive: true }, pairs),
    body: undefined,
    clientIp: '192.0.2.7',
    clientProto: 'https',
    clientHost: 'api.example.com',
    ...overrides,
  };
}

async function readAll(body: TargetBody): Promise<Buffer> {
  return Buffer.concat(await body.toReadable().toArray());
}

describe('target request headers (reliability-security item 34)', () => {
  it('strips every hop-by-hop field, sends the target Host, and undici never rejects the request', async () => {
    const { target, client } = await setup();
    const response = await client.send(
      request(
        `${target.url}/base/x`,
        [
          ['Host', 'api.example.com'],
          ['Connection', 'close, X-Hop'],
          ['X-Hop', '1'],
          ['Keep-Alive', 'timeout=5'],
          ['Proxy-Connection', 'keep-alive'],
          ['TE', 'trailers'],
          ['Upgrade', 'h2c'],
          ['Transfer-Encoding', 'chunked'],
          ['Proxy-Authorization', 'Basic Zm9vOmJhcg=='],
          ['Expect', '100-continue'],
          ['X-Kept', 'kept'],
        ],
        { method: 'POST', body: Readable.from([Buffer.from('chunk-1;'), Buffer.from('chunk-2')]) },
      ),
    );
    expect(response.statusCode).toBe(200);
    await readAll(response.body);
    const seen = target.requests[0];
    expect(seen?.body.toString()).toBe('chunk-1;chunk-2');
    const names = (seen?.rawHeaders ?? []).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const hop of ['x-hop', 'keep-alive', 'proxy-connection', 'te', 'upgrade', 'proxy-authorization', 'expect']) expect(names).not.toContain(hop);
    expect(seen?.headers['connection']).not.toMatch(/x-hop/i);
    expect(seen?.headers['host']).toBe(`127.0.0.1:${target.port}`);
    expect(seen?.headers['x-kept']).toBe('kept');
  });

  it('adds X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const { target, client } = await setup();
    const response = await client.send(request(`${target.url}/`, [['X-Forwarded-For', '198.51.100.1']]));
    await readAll(response.body);
    expect(target.requests[0]?.headers['x-forwarded-for']).toBe('198.51.100.1, 192.0.2.7');
    expect(target.requests[0]?.headers['x-forwarded-proto']).toBe('https');
    expect(target.requests[0]?.headers['x-forwarded-host']).toBe('api.example.com');
  });

  it('never forwards a client Content-Length with a streamed body (item 33): the stream goes chunked', async () => {
    // The wire bytes are checked on a raw socket: node:http itself truncates a view of 1,000 headers.
    const raw = await startRawTarget((_data, index, socket) => {
      if ((raw.received[index] as Buffer).includes('0\r\n\r\n')) socket.end('HTTP/1.1 204 No Content\r\n\r\n');
    });
    cleanups.push(() => raw.close());
    const client = createTargetClient({ url: raw.url, properties: new Map() }, { targetServers: new Map() });
    cleanups.push(() => client.destroy());
    // 1,000 junk headers plus a lying Content-Length, as in the CVE-2026-58044 pattern.
    const pairs: Array<[string, string]> = Array.from({ length: 1000 }, (_, i) => [`x-h${i}`, 'a'] as [string, string]);
    pairs.push(['Content-Length', '5']);
    const response = await client.send(request(`${raw.url}/`, pairs, { method: 'POST', body: Readable.from([Buffer.from('hello, world')]) }));
    await readAll(response.body);
    const wire = (raw.received[0] as Buffer).toString('latin1');
    const headEnd = wire.indexOf('\r\n\r\n');
    const head = wire.slice(0, headEnd);
    expect(head).not.toMatch(/^content-length:/im);
    expect(head.match(/^transfer-encoding: chunked$/gim)).toHaveLength(1);
    expect(wire.slice(headEnd + 4)).toBe('c\r\nhello, world\r\n0\r\n\r\n');
  });

  it('gives a buffered body its exact Content-Length, whatever the client declared', async () => {
    const { target, client } = await setup();
    const response = await client.send(request(`${target.url}/`, [['Content-Length', '999']], { method: 'PUT', body: Buffer.from('exact') }));
    await readAll(response.body);
    expect(target.requests[0]?.headers['content-length']).toBe('5');
    expect(target.requests[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(target.requests[0]?.body.toString()).toBe('exact');
  });

  it('turns CRLF in a header value into a controlled 500 fault and sends nothing; the client stays usable', async () => {
    const { target, client } = await setup();
    const bad = client.send(request(`${target.url}/`, [['X-Bad', 'v\r\nX-Injected: yes']]));
    await expect(bad).rejects.toBeInstanceOf(PolicyFault);
    await expect(bad).rejects.toMatchObject({ status: 500, errorCode: 'messaging.runtime.InvalidHeader' });
    const ok = await client.send(request(`${target.url}/after`, []));
    await readAll(ok.body);
    expect(target.requests.map((r) => r.url)).toEqual(['/after']);
  });
});

describe('target response headers', () => {
  it('drops hop-by-hop fields and Connection-named fields, keeps end-to-end ones and the reason phrase', async () => {
    const { target, client } = await setup((_req, res) => {
      res.setHeader('Connection', 'X-Internal');
      res.setHeader('X-Internal', 'secret');
      res.setHeader('Keep-Alive', 'timeout=30');
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Public', 'yes');
      res.writeHead(201, 'Made It');
      res.write('streamed ');
      res.end('body');
    });
    const response = await client.send(request(`${target.url}/`, []));
    expect(response.statusCode).toBe(201);
    expect(response.reasonPhrase).toBe('Made It');
    const names = response.headers.names().map((n) => n.toLowerCase());
    for (const hop of ['connection', 'x-internal', 'keep-alive', 'transfer-encoding']) expect(names).not.toContain(hop);
    expect(response.headers.get('X-Public')).toBe('yes');
    expect(response.headers.getAll('set-cookie')).toEqual(['a=1', 'b=2']);
    expect((await readAll(response.body)).toString()).toBe('streamed body');
  });
});
