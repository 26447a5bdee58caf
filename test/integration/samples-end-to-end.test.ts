// Every sample bundle through a real gateway, against real demo targets, with the answers its README documents.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { readBundleDir } from '../../src/bundle/read-bundle-dir.js';
import { defaultConfig } from '../../src/config/default-config.js';
import { createDemoTarget } from '../../src/demo/create-demo-target.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

/** The sample as a zip, with the demo targets' fixed addresses replaced by this test's ports. */
async function sampleZip(name: string, ports: { a: number; b: number }): Promise<Uint8Array> {
  const files = await readBundleDir(join(defaultConfig.samples.dir, name));
  const entries: Record<string, Uint8Array | string> = {};
  for (const [path, bytes] of files) {
    const text = Buffer.from(bytes).toString('utf8');
    entries[`apiproxy/${path}`] = path.endsWith('.xml')
      ? text.replaceAll('127.0.0.1:9101', `127.0.0.1:${ports.a}`).replaceAll('127.0.0.1:9102', `127.0.0.1:${ports.b}`)
      : bytes;
  }
  return packBundle(entries);
}

describe('the sample bundles', () => {
  let gw: TestGateway;
  const demoA = createDemoTarget({ name: 'demo-a', host: '127.0.0.1', port: 0 });
  const demoB = createDemoTarget({ name: 'demo-b', host: '127.0.0.1', port: 0 });
  let base: string;

  beforeAll(async () => {
    const a = (await demoA.listen()).port;
    const b = (await demoB.listen()).port;
    gw = await startGateway({
      revisionHeader: false,
      targetServers: [
        { name: 'demo-a', host: '127.0.0.1', port: a, enabled: true },
        { name: 'demo-b', host: '127.0.0.1', port: b, enabled: true },
      ],
    });
    for (const name of ['hello', 'mock', 'balanced', 'faults', 'orders', 'secure']) await gw.deploy(name, await sampleZip(name, { a, b }));
    base = gw.url();
  });
  afterAll(async () => {
    await gw?.close();
    await demoA.close();
    await demoB.close();
  });

  it('hello passes through to demo-a', async () => {
    const res = await request(`${base}/hello/json`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-demo-target']).toBe('demo-a');
    expect(((await res.body.json()) as { target: string }).target).toBe('demo-a');
  });

  it('mock answers from the proxy itself', async () => {
    const list = await request(`${base}/mock/items`);
    expect(list.statusCode).toBe(200);
    expect(await list.body.json()).toEqual({ items: [{ id: '1', name: 'Notebook' }, { id: '2', name: 'Fountain pen' }, { id: '3', name: 'Ink bottle' }], count: 3 });
    const one = await request(`${base}/mock/items/57`);
    expect(await one.body.json()).toEqual({ id: '57', name: 'Item 57', self: '/mock/items/57' });
    const bad = await request(`${base}/mock/items/abc`);
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.json()).toEqual({ error: 'invalid_id', message: 'item ids are numbers' });
    const created = await request(`${base}/mock/items`, { method: 'POST', body: '{"name":"Pencil"}', headers: { 'content-type': 'application/json' } });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe('/mock/items/4');
    await created.body.text();
    const missing = await request(`${base}/mock/items/2`, { method: 'DELETE' });
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.json()).toEqual({ error: 'not_found', message: 'no mock for DELETE /mock/items/2' });
  });

  it('balanced alternates between the two target servers', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(`${base}/balanced/json`);
      seen.push(String(res.headers['x-demo-target']));
      await res.body.text();
    }
    expect(new Set(seen)).toEqual(new Set(['demo-a', 'demo-b']));
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('faults shows FaultRule order and the DefaultFaultRule', async () => {
    const ok = await request(`${base}/faults/greet?name=Ada`);
    expect(await ok.body.json()).toEqual({ greeting: 'Hello, Ada!' });
    const missing = await request(`${base}/faults/greet`);
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['x-fault-rule']).toBe('missing-name');
    expect(await missing.body.json()).toEqual({ error: 'missing_parameter', parameter: 'name', fault: 'RaiseFault', hint: 'try /faults/greet?name=Ada' });
    const unknown = await request(`${base}/faults/nothing-here`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['x-fault-rule']).toBe('any-raise-fault');
    await unknown.body.text();
    const down = await request(`${base}/faults/unreachable`);
    expect(down.statusCode).toBe(503);
    expect(down.headers['x-fault-rule']).toBe('default-fault');
    expect(await down.body.json()).toEqual({ error: 'ServiceUnavailable', status: 503, message: 'handled by the DefaultFaultRule' });
    const upstream = await request(`${base}/faults/upstream-500`);
    expect(upstream.headers['x-fault-rule']).toBe('upstream-server-error');
    await upstream.body.text();
  });

  it('orders rewrites the request with extracted variables and templates', async () => {
    const res = await request(`${base}/orders/1001?currency=usd`, { headers: { 'x-customer': 'cust-ab12' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-proxy']).toBe('orders r1');
    expect(res.headers['x-order-currency']).toBe('USD');
    const echoed = (await res.body.json()) as { path: string; query: Record<string, string>; headers: Record<string, string> };
    expect(echoed.path).toBe('/backend/orders/1001');
    expect(echoed.query).toEqual({ currency: 'USD', source: 'baton' });
    expect(echoed.headers['x-customer-id']).toBe('ab12');
    expect(echoed.headers['x-customer']).toBeUndefined();

    const posted = await request(`${base}/orders?currency=chf`, {
      method: 'POST', body: '{"item":"widget","quantity":3}', headers: { 'content-type': 'application/json', 'x-customer': 'cust-ab12' },
    });
    const body = (await posted.body.json()) as { body: string };
    expect(JSON.parse(body.body)).toEqual({ order: { item: 'widget', quantity: '3', currency: 'CHF' }, customerId: 'ab12', via: 'orders r1' });
  });

  it('secure answers only on the TLS virtual host', async () => {
    const ca = await readFile(gw.gateway.selfSignedCertificate!);
    const dispatcher = new Agent({ connect: { ca, servername: 'localhost' } });
    try {
      const secureUrl = gw.url('test', 'secure').replace('127.0.0.1', 'localhost');
      const res = await request(`${secureUrl}/secure`, { dispatcher });
      expect(res.statusCode).toBe(200);
      await res.body.text();
      const plain = await request(`${base}/secure`);
      expect(plain.statusCode).toBe(404);
      await plain.body.text();
    } finally {
      await dispatcher.close();
    }
  });
});
