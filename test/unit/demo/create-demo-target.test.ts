import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoTarget, type DemoTarget } from '../../../src/demo/create-demo-target.js';

const started: DemoTarget[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((target) => target.close()));
});

async function startTarget(name = 'demo-x'): Promise<string> {
  const target = createDemoTarget({ name, host: '127.0.0.1', port: 0 });
  started.push(target);
  const { port } = await target.listen();
  return `http://127.0.0.1:${port}`;
}

/** Sends a raw request with node:http so that oversized and chunked bodies can be shaped exactly. */
function send(url: string, init: { method: string; headers?: Record<string, string | number>; chunks: Buffer[] }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    // The server answers 413 before the whole body is written; a reset while writing the rest is expected.
    req.on('error', () => undefined);
    for (const chunk of init.chunks) req.write(chunk);
    req.end();
  });
}

describe('createDemoTarget', () => {
  it('listens on port 0 and reports the bound port', async () => {
    const target = createDemoTarget({ name: 'demo-x', host: '127.0.0.1', port: 0 });
    started.push(target);
    const { port } = await target.listen();
    expect(port).toBeGreaterThan(0);
  });

  it('echoes method, path, query, headers and body on / and unknown paths', async () => {
    const base = await startTarget('demo-a');
    const res = await fetch(`${base}/some/where?color=red&tag=a&tag=b&__proto__=x`, {
      method: 'POST',
      headers: { 'X-Custom': 'yes', 'Content-Type': 'text/plain' },
      body: 'héllo',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-demo-target')).toBe('demo-a');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const echo = (await res.json()) as Record<string, unknown>;
    expect(echo).toMatchObject({
      target: 'demo-a',
      method: 'POST',
      path: '/some/where',
      body: 'héllo',
      headers: { 'x-custom': 'yes', 'content-type': 'text/plain' },
    });
    expect(Object.entries(echo.query as object)).toEqual([['color', 'red'], ['tag', ['a', 'b']], ['__proto__', 'x']]);

    const root = (await (await fetch(`${base}/`)).json()) as Record<string, unknown>;
    expect(root).toMatchObject({ target: 'demo-a', method: 'GET', path: '/', query: {}, body: '' });
  });

  it('serves a fixed JSON document on GET /json', async () => {
    const base = await startTarget('demo-b');
    const res = await fetch(`${base}/json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-demo-target')).toBe('demo-b');
    const doc = (await res.json()) as { target: string; items: Array<{ id: number; name: string }> };
    expect(doc.target).toBe('demo-b');
    expect(doc.items.map((item) => item.id)).toEqual([1, 2, 3]);
    expect(doc.items[0]?.name).toBe('Espresso cup');
  });

  it('counts GET /counter answers per target', async () => {
    const base = await startTarget('demo-a');
    const first = (await (await fetch(`${base}/counter`)).json()) as { target: string; counter: number; servedAt: string };
    const second = (await (await fetch(`${base}/counter`)).json()) as { counter: number };
    expect(first).toMatchObject({ target: 'demo-a', counter: 1 });
    expect(Number.isNaN(Date.parse(first.servedAt))).toBe(false);
    expect(second.counter).toBe(2);
  });

  it('serves a small XML document on GET /xml', async () => {
    const base = await startTarget('demo-a');
    const res = await fetch(`${base}/xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    expect(xml).toContain('<catalog target="demo-a">');
    expect(xml).toContain('<item id="1"><name>Espresso cup</name><price currency="EUR">4.50</price></item>');
  });

  it('answers /status/<code> with that status and a JSON body', async () => {
    const base = await startTarget('demo-a');
    for (const status of [201, 404, 500, 503]) {
      const res = await fetch(`${base}/status/${status}`, { method: 'POST', body: 'x' });
      expect(res.status).toBe(status);
      expect(res.headers.get('x-demo-target')).toBe('demo-a');
      expect(await res.json()).toEqual({ target: 'demo-a', status });
    }
    const noContent = await fetch(`${base}/status/204`);
    expect(noContent.status).toBe(204);
    expect(await noContent.text()).toBe('');
    const invalid = await fetch(`${base}/status/99`);
    expect(invalid.status).toBe(400);
  });

  it('answers /delay/<ms> after the delay', async () => {
    const base = await startTarget('demo-a');
    const startedAt = performance.now();
    const res = await fetch(`${base}/delay/150`);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(await res.json()).toEqual({ target: 'demo-a', delayMs: 150 });
  });

  it('close() ends requests still waiting on /delay instead of waiting for them', async () => {
    const target = createDemoTarget({ name: 'demo-a', host: '127.0.0.1', port: 0 });
    const { port } = await target.listen();
    const pending = fetch(`http://127.0.0.1:${port}/delay/999999`).then(
      () => 'answered',
      () => 'aborted',
    );
    // A later request on another connection has been answered, so the delayed one is in the server by now.
    await fetch(`http://127.0.0.1:${port}/`);
    const closeStartedAt = performance.now();
    await target.close();
    expect(performance.now() - closeStartedAt).toBeLessThan(5_000);
    expect(await pending).toBe('aborted');
  });

  it('rejects a declared body over 1 MB with 413', async () => {
    const base = await startTarget('demo-a');
    const res = await send(`${base}/echo`, {
      method: 'POST',
      headers: { 'Content-Length': 1024 * 1024 + 1 },
      chunks: [Buffer.alloc(1024 * 1024 + 1, 0x61)],
    });
    expect(res.status).toBe(413);
    expect(res.headers['x-demo-target']).toBe('demo-a');
  });

  it('rejects a chunked body that grows past 1 MB with 413', async () => {
    const base = await startTarget('demo-a');
    const chunk = Buffer.alloc(256 * 1024, 0x62);
    const res = await send(`${base}/echo`, { method: 'POST', chunks: [chunk, chunk, chunk, chunk, chunk] });
    expect(res.status).toBe(413);
  });

  it('accepts a body of exactly 1 MB', async () => {
    const base = await startTarget('demo-a');
    const res = await send(`${base}/echo`, { method: 'POST', chunks: [Buffer.alloc(1024 * 1024, 0x63)] });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { body: string }).body).toHaveLength(1024 * 1024);
  });

  it('fails listen() when the port is taken', async () => {
    const first = createDemoTarget({ name: 'demo-a', host: '127.0.0.1', port: 0 });
    started.push(first);
    const { port } = await first.listen();
    const second = createDemoTarget({ name: 'demo-b', host: '127.0.0.1', port });
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await second.close();
  });
});
