// A proxy group's CORS and response-cache settings applied to a member through a real gateway, and recompiled when they change.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRevisionOverHttp } from '../helpers/deploy-over-http.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';
import { forwardingBundle } from './promotion-fixture.js';
import { createGroup, expectBody, groupDeploymentsPath, groupsPath } from './proxy-group-fixture.js';

const origin = 'https://app.example.com';

describe('proxy group settings on a member', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  beforeAll(async () => {
    let served = 0;
    target = await startTarget((_req, res, recorded) => {
      served++;
      const body = JSON.stringify({ n: served, url: recorded.url });
      res.writeHead(200, { 'content-type': 'application/json', 'x-count': String(served) });
      res.end(body);
    });
    gw = await startGateway();
    await importRevisionOverHttp(gw.admin, 'catalog', await forwardingBundle('catalog', '/catalog', target.url));
  });
  afterAll(async () => {
    await gw.close();
    await target.close();
  });

  const get = async (path: string, headers: Record<string, string> = {}, method: 'GET' | 'OPTIONS' = 'GET') => {
    const response = await request(`${gw.url()}${path}`, { method, headers });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) as { n: number; url: string } };
  };

  it('adds CORS headers and answers repeated GETs from the cache, preflights without the target', async () => {
    expectBody(await createGroup(gw.admin, {
      name: 'web', members: ['catalog'],
      settings: { cors: { allowOrigins: [origin], allowMethods: ['GET'], exposeHeaders: ['X-Count'], maxAgeSeconds: 120 }, responseCache: { timeoutInSeconds: 300 } },
    }), 201);
    expectBody(await gw.admin.post(groupDeploymentsPath('web', 'test')), 200);

    const first = await get('/catalog/items', { origin });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ n: 1, url: '/items' });
    expect(first.headers['access-control-allow-origin']).toBe(origin);
    expect(first.headers['access-control-expose-headers']).toBe('X-Count');
    const second = await get('/catalog/items', { origin });
    expect(second.body).toEqual({ n: 1, url: '/items' });
    expect(second.headers['x-count']).toBe('1');
    expect(second.headers['access-control-allow-origin']).toBe(origin);
    expect(target.requests).toHaveLength(1);
    // Another URI is another key.
    expect((await get('/catalog/other', { origin })).body).toEqual({ n: 2, url: '/other' });

    const preflight = await get('/catalog/items', { origin, 'access-control-request-method': 'GET' }, 'OPTIONS');
    expect(preflight.status).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET');
    expect(preflight.headers['access-control-max-age']).toBe('120');
    expect(target.requests).toHaveLength(2);
    expect((await get('/catalog/items', { origin: 'https://evil.example' })).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('recompiles the same revision when the group settings change, and drops them when the member is deployed alone', async () => {
    expectBody(await gw.admin.put(`${groupsPath}/web`, { json: { members: ['catalog'], settings: { cors: { allowOrigins: ['https://new.example.com'] } } } }), 200);
    const redeployed = expectBody(await gw.admin.post(groupDeploymentsPath('web', 'test')), 200);
    expect(redeployed).toMatchObject({ deployed: [{ api: 'catalog', revision: '1' }], unchanged: [], undeployed: [] });
    const requestsBefore = target.requests.length;
    const fresh = await get('/catalog/items', { origin: 'https://new.example.com' });
    expect(fresh.headers['access-control-allow-origin']).toBe('https://new.example.com');
    // No cache in the group any more: every GET reaches the target.
    await get('/catalog/items', { origin: 'https://new.example.com' });
    expect(target.requests.length).toBe(requestsBefore + 2);
    expect((await get('/catalog/items', { origin })).headers['access-control-allow-origin']).toBeUndefined();
    expect(gw.gateway.deployments.list('demo', { environment: 'test' })[0]?.group).toEqual({ name: 'web', settings: { cors: { allowOrigins: ['https://new.example.com'] } } });

    // Unchanged settings: nothing is recompiled.
    expect(expectBody(await gw.admin.post(groupDeploymentsPath('web', 'test')), 200)).toMatchObject({ deployed: [], unchanged: [{ api: 'catalog', revision: '1' }] });

    expectBody(await gw.admin.delete(groupDeploymentsPath('web', 'test')), 200);
    expectBody(await gw.admin.post('/v1/organizations/demo/environments/test/apis/catalog/revisions/1/deployments'), 200);
    expect((await get('/catalog/items', { origin: 'https://new.example.com' })).headers['access-control-allow-origin']).toBeUndefined();
    expect(gw.gateway.deployments.list('demo', { environment: 'test' })[0]?.group).toBeUndefined();
  });
});
