import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

const responseCache = (scope: string) => `
  <ResponseCache name="RC-Items">
    <CacheKey><KeyFragment ref="request.uri"/></CacheKey>
    <Scope>${scope}</Scope>
    <CacheResource>pages</CacheResource>
    <ExpirySettings><TimeoutInSec>300</TimeoutInSec></ExpirySettings>
  </ResponseCache>`;

/** ResponseCache on both sides of the ProxyEndpoint PreFlow, as Apigee bundles attach it (compat §8). */
function cachedProxy(targetUrl: string, scope = 'Application'): Promise<Uint8Array> {
  return packProxy({
    name: 'cached',
    basePath: '/cached',
    proxyEndpoint: `
      <PreFlow name="PreFlow">
        <Request><Step><Name>RC-Items</Name></Step></Request>
        <Response><Step><Name>RC-Items</Name></Step></Response>
      </PreFlow>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
    targetEndpoint: toUrlConnection(targetUrl),
    policies: { 'RC-Items': responseCache(scope) },
  });
}

describe('ResponseCache through a real gateway', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    target = await startTarget((_req, res, recorded) => {
      const count = (hits.get(recorded.url) ?? 0) + 1;
      hits.set(recorded.url, count);
      if (recorded.url.startsWith('/large')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.alloc(64 * 1024, 0x61));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-hit': String(count) });
      res.end(JSON.stringify({ url: recorded.url, hit: count }));
    });
    gw = await startGateway({
      customize: (config) => ({
        ...config,
        organizations: config.organizations.map((org) => ({
          ...org,
          environments: org.environments.map((env) => ({ ...env, caches: [{ name: 'pages', maxEntries: 100, maxBytes: 1024 * 1024, maxEntryBytes: 16 * 1024, expirySeconds: 60 }] })),
        })),
      }),
    });
  });

  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  async function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const res = await request(`${gw.url()}${path}`);
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  async function deployRevision(zip: Uint8Array): Promise<number> {
    const record = await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'cached', bytes: zip, user: 'test', validate: true });
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'cached', revision: record.revision, override: true, user: 'test' });
    return record.revision;
  }

  it('answers the second call from the cache, and keeps the cache across a revision swap', async () => {
    expect(await deployRevision(await cachedProxy(target.url))).toBe(1);
    const first = await get('/cached/items?page=1');
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ url: '/items?page=1', hit: 1 });

    const second = await get('/cached/items?page=1');
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    expect(second.headers['x-hit']).toBe('1');
    expect(second.headers['content-type']).toBe('application/json');
    expect(hits.get('/items?page=1')).toBe(1);

    // Another key goes to the target.
    expect(JSON.parse((await get('/cached/items?page=2')).body)).toEqual({ url: '/items?page=2', hit: 1 });

    // A new revision compiles new policies, but the environment's cache (and the Application-scoped key) stays.
    expect(await deployRevision(await cachedProxy(target.url))).toBe(2);
    const afterSwap = await get('/cached/items?page=1');
    expect(afterSwap.body).toBe(first.body);
    expect(hits.get('/items?page=1')).toBe(1);
  });

  it('streams a body over the cache\'s per-entry limit to the client whole, and does not cache it', async () => {
    const first = await get('/cached/large');
    const second = await get('/cached/large');
    expect(first.body).toHaveLength(64 * 1024);
    expect(second.body).toBe(first.body);
    expect(hits.get('/large')).toBe(2);
  });
});
