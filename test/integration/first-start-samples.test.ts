// `npm start` on a fresh data directory: every sample, the sample shared flow and its hook, and the sample developer app answer as their READMEs say.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/default-config.js';
import { createDemoTarget } from '../../src/demo/create-demo-target.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

/** Copies the samples folder, pointing the demo targets' fixed ports at this test's. */
async function copySamples(ports: { a: number; b: number }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-samples-'));
  await cp(defaultConfig.samples.dir, dir, { recursive: true });
  const rewrite = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await rewrite(path);
      else if (/\.(xml|js)$/.test(entry.name)) {
        const text = await readFile(path, 'utf8');
        await writeFile(path, text.replaceAll('127.0.0.1:9101', `127.0.0.1:${ports.a}`).replaceAll('127.0.0.1:9102', `127.0.0.1:${ports.b}`));
      }
    }
  };
  await rewrite(dir);
  return dir;
}

describe('a first start with the samples', () => {
  const demoA = createDemoTarget({ name: 'demo-a', host: '127.0.0.1', port: 0 });
  const demoB = createDemoTarget({ name: 'demo-b', host: '127.0.0.1', port: 0 });
  let samplesDir: string;
  let gw: TestGateway;
  let base: string;

  beforeAll(async () => {
    const ports = { a: (await demoA.listen()).port, b: (await demoB.listen()).port };
    samplesDir = await copySamples(ports);
    gw = await startGateway({
      samples: true,
      targetServers: [
        { name: 'demo-a', host: '127.0.0.1', port: ports.a, enabled: true },
        { name: 'demo-b', host: '127.0.0.1', port: ports.b, enabled: true },
      ],
      customize: (config) => ({
        ...config,
        samples: { ...config.samples, dir: samplesDir },
        organizations: config.organizations.map((org) => ({ ...org, properties: defaultConfig.organizations[0]!.properties })),
      }),
    });
    base = gw.url();
  });
  afterAll(async () => {
    await gw?.close();
    await demoA.close();
    await demoB.close();
    await rm(samplesDir, { recursive: true, force: true });
  });

  it('creates the sample developer app and reports its key once', async () => {
    const key = gw.gateway.sampleApiKey;
    expect(key).toMatch(/^\S{16,}$/);
    const app = await gw.admin.get('/v1/organizations/demo/developers/newcomer@example.com/apps/sample-app');
    expect(app.status).toBe(200);
    const credentials = app.json<{ credentials: Array<{ consumerKey: string; apiProducts: Array<{ apiproduct: string; status: string }> }> }>().credentials;
    expect(credentials[0]?.consumerKey).toBe(key);
    expect(credentials[0]?.apiProducts).toEqual([expect.objectContaining({ apiproduct: 'sample-product', status: 'approved' })]);
  });

  it('keyed: refuses missing and wrong keys, serves the sample key, then enforces the quota with 429', async () => {
    const missing = await request(`${base}/keyed/json`);
    expect(missing.statusCode).toBe(401);
    expect(await missing.body.json()).toMatchObject({ fault: { detail: { errorcode: 'steps.oauth.v2.FailedToResolveAPIKey' } } });
    const wrong = await request(`${base}/keyed/json`, { headers: { 'x-apikey': 'not-a-key' } });
    expect(wrong.statusCode).toBe(401);
    expect(await wrong.body.json()).toMatchObject({ fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } });

    const headers = { 'x-apikey': gw.gateway.sampleApiKey! };
    const echo = await request(`${base}/keyed/echo`, { headers });
    expect(echo.statusCode).toBe(200);
    const echoed = (await echo.body.json()) as { target: string; headers: Record<string, string> };
    expect(echoed.target).toBe('demo-a');
    expect(echoed.headers['x-apikey']).toBeUndefined();

    // 5 per clock minute, one used above: eleven more calls span at most two windows, so some get 429.
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await request(`${base}/keyed/json`, { headers });
      statuses.push(res.statusCode);
      await res.body.text();
    }
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeGreaterThan(0);
  });

  it('cached: the second call is served from the cache without reaching demo-a', async () => {
    const first = await request(`${base}/cached/counter?run=samples`);
    const firstBody = await first.body.text();
    const second = await request(`${base}/cached/counter?run=samples`);
    const secondBody = await second.body.text();
    expect(first.headers['x-cache-hit']).toBe('false');
    expect(second.headers['x-cache-hit']).toBe('true');
    expect(secondBody).toBe(firstBody);
    const direct = (await (await request(`${base}/hello/counter`)).body.json()) as { counter: number };
    expect(direct.counter).toBe((JSON.parse(firstBody) as { counter: number }).counter + 1);
  });

  it('scripted: JavaScript reshapes the catalog', async () => {
    const res = await request(`${base}/scripted/summary?currency=eur`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-summary-count']).toBe('3');
    expect(await res.body.json()).toEqual({
      title: 'Demo catalog', currency: 'EUR', count: 3, names: ['Espresso cup', 'Pour-over kettle', 'Burr grinder'], total: 163.5,
    });
  });

  it('the PostProxyFlowHook shared flow adds the security headers to every proxy', async () => {
    const res = await request(`${base}/hello/json`);
    await res.body.text();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});
