// Deploy and undeploy over the management API (compat §3.1-3.7, §5): every parameter form, the exact reply shapes,
// legacy calls, errors, permissions and the audit trail, through a real gateway.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Principal } from '../../src/access/principal.js';
import { adminClient, toAuthorization, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { packMockProxy as mockBundle } from '../helpers/pack-mock-proxy.js';

async function importRevision(gw: TestGateway, api: string, zip: Uint8Array, validate = true): Promise<number> {
  return (await gw.gateway.revisions.importRevision({ organization: 'demo', api, bytes: zip, user: 't', validate })).revision;
}

async function servedRevision(url: string): Promise<string | number> {
  const res = await request(url);
  if (res.statusCode !== 200) {
    await res.body.text();
    return res.statusCode;
  }
  return ((await res.body.json()) as { rev: string }).rev;
}

interface ServerJson { status: string; type: string[]; uUID: string }
interface DeploymentJson {
  aPIProxy: string; configuration: { basePath: string; steps: unknown[] }; environment: string; name: string;
  organization: string; revision: string; server: ServerJson[]; state: string; baton?: unknown;
}

function expectOk(response: AdminResponse): void {
  expect(response.status, response.text()).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
}

/** The single object of compat §3.6, with both servers' statuses equal to `state`. */
function expectSingle(body: unknown, expected: { api: string; env: string; revision: number; basePath: string; state: string }): void {
  const json = body as DeploymentJson;
  expect(Object.keys(json).sort()).toEqual(['aPIProxy', 'configuration', 'environment', 'name', 'organization', 'revision', 'server', 'state']);
  expect(json).toMatchObject({
    aPIProxy: expected.api,
    configuration: { basePath: expected.basePath, steps: [] },
    environment: expected.env,
    name: String(expected.revision),
    organization: 'demo',
    revision: String(expected.revision),
    state: expected.state,
  });
  expect(json.server.map((s) => [s.type, s.status])).toEqual([[['message-processor'], expected.state], [['router'], expected.state]]);
  for (const s of json.server) expect(s.uUID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
}

const formType = 'application/x-www-form-urlencoded';

describe('deploy and undeploy over the management API', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startGateway();
  });
  afterEach(() => gw.close());

  it('deploys with query parameters: 200 single object, and the data plane serves it at once', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const response = await gw.admin.post('/v1/organizations/demo/environments/test/apis/orders/revisions/1/deployments', { query: { override: 'false', delay: '0' } });
    expectOk(response);
    expectSingle(response.json(), { api: 'orders', env: 'test', revision: 1, basePath: '/', state: 'deployed' });
    expect(await servedRevision(`${gw.url()}/orders`)).toBe('one');
  });

  it('deploys with a form body, with parameters split across query and body, and with no body nor Content-Type', async () => {
    await importRevision(gw, 'a', await mockBundle('a', '/a', 'a'));
    await importRevision(gw, 'b', await mockBundle('b', '/b', 'b'));
    await importRevision(gw, 'c', await mockBundle('c', '/c', 'c'));
    const form = await gw.admin.post('/v1/o/demo/e/test/apis/a/revisions/1/deployments', { form: { override: 'true', basepath: '/v1' } });
    expectOk(form);
    expectSingle(form.json(), { api: 'a', env: 'test', revision: 1, basePath: '/v1', state: 'deployed' });

    const split = await gw.admin.post('/v1/organizations/demo/e/test/apis/b/revisions/1/deployments', { query: { override: 'true' }, form: { basepath: 'split/' } });
    expectOk(split);
    expectSingle(split.json(), { api: 'b', env: 'test', revision: 1, basePath: '/split', state: 'deployed' });

    const bare = await gw.admin.post('//v1/o/demo/environments/test/apis/c/revisions/1/deployments/');
    expectOk(bare);
    expectSingle(bare.json(), { api: 'c', env: 'test', revision: 1, basePath: '/', state: 'deployed' });
    expect(await servedRevision(`${gw.url()}/v1/a`)).toBe('a');
    expect(await servedRevision(`${gw.url()}/split/b`)).toBe('b');
    expect(await servedRevision(`${gw.url()}/c`)).toBe('c');
  });

  it('deploys with an empty form body, and with an unencoded basepath=/v2', async () => {
    await importRevision(gw, 'a', await mockBundle('a', '/a', 'a'));
    await importRevision(gw, 'b', await mockBundle('b', '/b', 'b'));
    const empty = await gw.admin.post('/v1/o/demo/e/test/apis/a/revisions/1/deployments', { body: '', headers: { 'content-type': formType } });
    expectOk(empty);
    expectSingle(empty.json(), { api: 'a', env: 'test', revision: 1, basePath: '/', state: 'deployed' });
    const raw = await gw.admin.post('/v1/o/demo/e/test/apis/b/revisions/1/deployments', { body: 'basepath=/v2&action=deploy', headers: { 'content-type': formType } });
    expectOk(raw);
    expectSingle(raw.json(), { api: 'b', env: 'test', revision: 1, basePath: '/v2', state: 'deployed' });
    expect(await servedRevision(`${gw.url()}/v2/b`)).toBe('b');
  });

  it('is idempotent, and GET returns the same single object with the same server UUIDs', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const path = '/v1/o/demo/e/test/apis/orders/revisions/1/deployments';
    const first = (await gw.admin.post(path)).json<DeploymentJson>();
    const again = await gw.admin.post(path);
    expectOk(again);
    expect(again.json()).toEqual(first);
    const got = await gw.admin.get(path);
    expectOk(got);
    expect(got.json()).toEqual(first);
    // Stable across environments' calls and distinct per environment and server type.
    const prod = (await gw.admin.post('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments')).json<DeploymentJson>();
    const uuids = [...first.server, ...prod.server].map((s) => s.uUID);
    expect(new Set(uuids).size).toBe(4);
  });

  it('answers the seamless form when override replaces a revision: the new one first, then the replaced one', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'two'));
    expectOk(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'));
    const response = await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/2/deployments', { query: { override: true } });
    expectOk(response);
    // Requests after the 200 go to the new revision (compat §3.4 step 6).
    expect(await servedRevision(`${gw.url()}/orders`)).toBe('two');
    const body = response.json<{ aPIProxy: string; organization: string; environment: DeploymentJson[] }>();
    expect(Object.keys(body)).toEqual(['aPIProxy', 'organization', 'environment']);
    expect(body).toMatchObject({ aPIProxy: 'orders', organization: 'demo' });
    expect(body.environment).toHaveLength(2);
    expectSingle(body.environment[0], { api: 'orders', env: 'test', revision: 2, basePath: '/', state: 'deployed' });
    // delay 0: the replaced revision is undeployed at once.
    expectSingle(body.environment[1], { api: 'orders', env: 'test', revision: 1, basePath: '/', state: 'undeployed' });
    expect(body.environment[0]!.server.map((s) => s.uUID)).toEqual(body.environment[1]!.server.map((s) => s.uUID));
    await gw.gateway.deployments.settle();
    expect(gw.gateway.deployments.list('demo').map((r) => r.revision)).toEqual([2]);
  });

  it('refuses override=false at a taken path with 409 and the exact message; the first revision keeps serving', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'two'));
    expectOk(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'));
    const refused = await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/2/deployments', { form: { override: 'false' } });
    expect(refused.status).toBe(409);
    expect(refused.json()).toEqual({
      code: 'messaging.config.beans.BasePathConflict',
      message: 'Path /orders conflicts with existing deployment path for revision 1 of the APIProxy orders in organization demo',
      contexts: [],
    });
    expect(await servedRevision(`${gw.url()}/orders`)).toBe('one');
  });

  it('undeploys with DELETE: state and every server status undeployed, with the base path it had', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const path = '/v1/o/demo/e/test/apis/orders/revisions/1/deployments';
    expectOk(await gw.admin.post(path, { query: { basepath: '/v3' } }));
    const response = await gw.admin.delete(path, { query: { basepath: '/ignored' } });
    expectOk(response);
    expectSingle(response.json(), { api: 'orders', env: 'test', revision: 1, basePath: '/v3', state: 'undeployed' });
    expect(await servedRevision(`${gw.url()}/v3/orders`)).toBe(404);
    const get = await gw.admin.get(path);
    expect(get.status).toBe(400);
    expect(get.json()).toMatchObject({ code: 'distribution.RevisionNotDeployed' });
    const again = await gw.admin.delete(path);
    expect(again.status).toBe(400);
    expect(again.json()).toMatchObject({ code: 'distribution.RevisionNotDeployed', message: 'Revision 1 of application orders is not deployed in environment test' });
  });

  it('supports the legacy revision form: action=deploy|undeploy&env=…, force ignored', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const deployed = await gw.admin.post('/v1/o/demo/apis/orders/revisions/1/deployments', { query: { action: 'deploy', env: 'prod', basepath: '/legacy' } });
    expectOk(deployed);
    expectSingle(deployed.json(), { api: 'orders', env: 'prod', revision: 1, basePath: '/legacy', state: 'deployed' });
    expect(await servedRevision(`${gw.url('prod')}/legacy/orders`)).toBe('one');
    const undeployed = await gw.admin.post('/v1/organizations/demo/apis/orders/revisions/1/deployments', { form: { action: 'undeploy', env: 'prod', force: 'true' } });
    expectOk(undeployed);
    expectSingle(undeployed.json(), { api: 'orders', env: 'prod', revision: 1, basePath: '/legacy', state: 'undeployed' });
    expect(await servedRevision(`${gw.url('prod')}/legacy/orders`)).toBe(404);
  });

  it('supports the legacy proxy form: action, env and revision as parameters', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const deployed = await gw.admin.post('/v1/o/demo/apis/orders/deployments', { query: { action: 'deploy', env: 'test' }, form: { revision: '1' } });
    expectOk(deployed);
    expectSingle(deployed.json(), { api: 'orders', env: 'test', revision: 1, basePath: '/', state: 'deployed' });
    const undeployed = await gw.admin.post('/v1/o/demo/apis/orders/deployments?action=undeploy&env=test&revision=1');
    expectOk(undeployed);
    expectSingle(undeployed.json(), { api: 'orders', env: 'test', revision: 1, basePath: '/', state: 'undeployed' });
  });

  it('refuses legacy calls missing env, revision or action, or with an unknown action: 400 InvalidParameter', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const calls: Array<[string, Record<string, string>]> = [
      ['/v1/o/demo/apis/orders/revisions/1/deployments', { action: 'deploy' }],
      ['/v1/o/demo/apis/orders/revisions/1/deployments', { env: 'test' }],
      ['/v1/o/demo/apis/orders/revisions/1/deployments', { action: 'redeploy', env: 'test' }],
      ['/v1/o/demo/apis/orders/deployments', { action: 'deploy', env: 'test' }],
      ['/v1/o/demo/apis/orders/deployments', { action: 'undeploy', revision: '1' }],
      ['/v1/o/demo/apis/orders/deployments', { env: 'test', revision: '1' }],
    ];
    for (const [path, query] of calls) {
      const response = await gw.admin.post(path, { query });
      expect(response.status, `${path} ${JSON.stringify(query)}`).toBe(400);
      expect(response.json()).toMatchObject({ code: 'messaging.config.beans.InvalidParameter' });
    }
    expect(gw.gateway.deployments.list('demo')).toEqual([]);
  });

  it('answers 404 for an unknown environment, proxy or revision, 400 for a bad delay and for an incomplete revision', async () => {
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const codeOf = async (method: string, path: string, query?: Record<string, string>) => {
      const response = await gw.admin.request(method, path, { query });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      return [response.status, response.json<{ code: string }>().code];
    };
    expect(await codeOf('POST', '/v1/o/demo/e/nope/apis/orders/revisions/1/deployments')).toEqual([404, 'messaging.config.beans.EnvironmentDoesNotExist']);
    expect(await codeOf('POST', '/v1/o/demo/e/test/apis/ghost/revisions/1/deployments')).toEqual([404, 'messaging.config.beans.ApplicationDoesNotExist']);
    expect(await codeOf('POST', '/v1/o/demo/e/test/apis/orders/revisions/7/deployments')).toEqual([404, 'messaging.config.beans.RevisionDoesNotExist']);
    expect(await codeOf('POST', '/v1/o/demo/e/test/apis/orders/revisions/x1/deployments')).toEqual([404, 'messaging.config.beans.RevisionDoesNotExist']);
    expect(await codeOf('DELETE', '/v1/o/demo/e/nope/apis/orders/revisions/1/deployments')).toEqual([404, 'messaging.config.beans.EnvironmentDoesNotExist']);
    expect(await codeOf('DELETE', '/v1/o/demo/e/test/apis/ghost/revisions/1/deployments')).toEqual([404, 'messaging.config.beans.ApplicationDoesNotExist']);
    expect(await codeOf('GET', '/v1/o/demo/e/test/apis/orders/revisions/9/deployments')).toEqual([404, 'messaging.config.beans.RevisionDoesNotExist']);
    expect(await codeOf('POST', '/v1/o/demo/apis/orders/deployments', { action: 'deploy', env: 'nope', revision: '1' })).toEqual([404, 'messaging.config.beans.EnvironmentDoesNotExist']);
    for (const delay of ['1.5', 'soon', '2e3', '9999999999']) {
      expect(await codeOf('POST', '/v1/o/demo/e/test/apis/orders/revisions/1/deployments', { delay })).toEqual([400, 'messaging.config.beans.InvalidParameter']);
    }
    expect(await codeOf('POST', '/v1/o/demo/e/test/apis/orders/revisions/1/deployments', { override: 'maybe' })).toEqual([400, 'messaging.config.beans.InvalidParameter']);
    expect(gw.gateway.deployments.list('demo')).toEqual([]);

    // A negative delay is 0; empty values count as absent.
    expectOk(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments', { query: { delay: '-5' } }));
    expectOk(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments', { form: { delay: '', override: '', basepath: '' } }));

    const incomplete = await importRevision(gw, 'broken', await packBundle({
      'apiproxy/broken.xml': '<APIProxy name="broken"/>',
      'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/broken</BasePath></HTTPProxyConnection>
        <PreFlow><Request><Step><Name>AM-Missing</Name></Step></Request></PreFlow><RouteRule name="mock"/></ProxyEndpoint>`,
    }), false);
    const invalid = await gw.admin.post(`/v1/o/demo/e/test/apis/broken/revisions/${incomplete}/deployments`);
    expect(invalid.status).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'messaging.config.beans.InvalidBundle' });
  });
});

describe('server UUIDs', () => {
  it('stay the same across a restart', async () => {
    const gw = await startGateway();
    const dataDir = gw.dataDir;
    const path = '/v1/o/demo/e/test/apis/orders/revisions/1/deployments';
    let before: DeploymentJson;
    try {
      await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
      before = (await gw.admin.post(path)).json<DeploymentJson>();
    } finally {
      await gw.gateway.close();
    }
    const restarted = await startGateway({ dataDir });
    try {
      expect((await restarted.admin.get(path)).json()).toEqual(before);
    } finally {
      await restarted.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('deploy permissions and audit', () => {
  let gw: TestGateway;
  let admin: Principal;
  beforeEach(async () => {
    gw = await startGateway();
    admin = await gw.gateway.access.authenticate(toAuthorization({ user: 'admin@baton.test', password: 'test-password' }), '127.0.0.1');
    await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
  });
  afterEach(() => gw.close());

  async function clientWithRole(email: string, role: string): Promise<AdminClient> {
    await gw.gateway.access.createUser({ emailId: email, password: 'a-long-password' }, admin);
    await gw.gateway.access.addUserToRole('demo', role, email, admin);
    return adminClient(gw.gateway.adminUrl, { user: email, password: 'a-long-password' });
  }

  it('lets the built-in user role deploy in test but not in prod; opsadmin deploys in prod', async () => {
    const developer = await clientWithRole('dev@example.com', 'user');
    expectOk(await developer.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'));
    const refused = await developer.post('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments');
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'security.Forbidden' });
    const legacy = await developer.post('/v1/o/demo/apis/orders/deployments', { query: { action: 'deploy', env: 'prod', revision: '1' } });
    expect(legacy.status).toBe(403);
    expect((await developer.delete('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments')).status).toBe(403);
    expect(gw.gateway.deployments.list('demo', { environment: 'prod' })).toEqual([]);

    const ops = await clientWithRole('ops@example.com', 'opsadmin');
    expectOk(await ops.post('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments'));
    expectOk(await ops.delete('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments'));
  });

  it('lets a READ-only custom role list and read deployments but not deploy or undeploy', async () => {
    await gw.gateway.access.createRole('demo', 'reader', admin);
    await gw.gateway.access.addRolePermissions('demo', 'reader', { permissions: ['READ'] }, admin);
    const reader = await clientWithRole('reader@example.com', 'reader');
    expectOk(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'));
    expectOk(await reader.get('/v1/o/demo/apis/orders/deployments'));
    expectOk(await reader.get('/v1/o/demo/e/test/deployments'));
    expectOk(await reader.get('/v1/o/demo/deployments'));
    expectOk(await reader.get('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'));
    expect((await reader.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments')).status).toBe(403);
    expect((await reader.delete('/v1/o/demo/e/test/apis/orders/revisions/1/deployments')).status).toBe(403);
    expect((await reader.post('/v1/o/demo/apis/orders/revisions/1/deployments', { query: { action: 'undeploy', env: 'test' } })).status).toBe(403);
    expect(gw.gateway.deployments.list('demo').map((r) => r.revision)).toEqual([1]);
  });

  it('shows a READ role scoped to test only that environment in organization-wide listings, 403 in prod', async () => {
    await gw.gateway.access.createRole('demo', 'test-reader', admin);
    await gw.gateway.access.addRolePermissions('demo', 'test-reader', { permissions: ['READ'], environments: ['test'] }, admin);
    const reader = await clientWithRole('tester@example.com', 'test-reader');
    expectOk(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'));
    expectOk(await gw.admin.post('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments'));
    const byProxy = await reader.get('/v1/o/demo/apis/orders/deployments');
    expectOk(byProxy);
    expect(byProxy.json<{ environment: Array<{ name: string }> }>().environment.map((e) => e.name)).toEqual(['test']);
    const byOrganization = await reader.get('/v1/o/demo/deployments');
    expect(byOrganization.json<{ environment: Array<{ name: string }> }>().environment.map((e) => e.name)).toEqual(['test']);
    expect((await reader.get('/v1/o/demo/e/prod/deployments')).status).toBe(403);
    expect((await reader.get('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments')).status).toBe(403);
    const nobody = await clientWithRole('nobody@example.com', 'test-reader');
    await gw.gateway.access.removeUserFromRole('demo', 'test-reader', 'nobody@example.com', admin);
    expect((await nobody.get('/v1/o/demo/deployments')).status).toBe(403);
  });

  it('records a deploy, a refused deploy and an undeploy in the audit trail', async () => {
    const developer = await clientWithRole('dev@example.com', 'user');
    expectOk(await developer.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments', { query: { override: 'true', delay: '3', basepath: '/x' } }));
    expect((await developer.post('/v1/o/demo/e/prod/apis/orders/revisions/1/deployments')).status).toBe(403);
    expect((await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/5/deployments')).status).toBe(404);
    expectOk(await developer.delete('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'));
    const entries = gw.gateway.audit.list('demo').filter((e) => e.operation === 'deploy' || e.operation === 'undeploy').reverse();
    expect(entries.map(({ time: _time, ...rest }) => rest)).toEqual([
      {
        organization: 'demo', user: 'dev@example.com', operation: 'deploy', target: 'environments/test/apis/orders/revisions/1',
        result: 'success', details: { status: 200, basePath: '/x', override: true, delay: 3 },
      },
      {
        organization: 'demo', user: 'dev@example.com', operation: 'deploy', target: 'environments/prod/apis/orders/revisions/1',
        result: 'failure', details: { status: 403, code: 'security.Forbidden' },
      },
      {
        organization: 'demo', user: 'admin@baton.test', operation: 'deploy', target: 'environments/test/apis/orders/revisions/5',
        result: 'failure', details: { status: 404, code: 'messaging.config.beans.RevisionDoesNotExist', basePath: '/', override: false, delay: 0 },
      },
      {
        organization: 'demo', user: 'dev@example.com', operation: 'undeploy', target: 'environments/test/apis/orders/revisions/1',
        result: 'success', details: { status: 200, basePath: '/x' },
      },
    ]);
  });
});
