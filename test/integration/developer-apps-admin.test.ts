// Developers, apps, keys and API products through the Edge management API of a real gateway: shapes, errors, permissions, audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, toAuthorization, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

function expectError(response: AdminResponse, status: number, code: string): { code: string; message: string } {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string; contexts: unknown[] }>();
  expect(body).toMatchObject({ code, contexts: [] });
  return body;
}

interface CredentialJson { consumerKey: string; consumerSecret: string; status: string; apiProducts: Array<{ apiproduct: string; status: string }>; expiresAt: number; issuedAt: number }
interface AppJson { appId: string; name: string; status: string; developerId: string; credentials: CredentialJson[]; attributes: unknown[] }

describe('developers, apps and API products over the management API', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  let reader: AdminClient;
  let manager: AdminClient;

  beforeAll(async () => {
    gw = await startGateway();
    admin = gw.admin;
    const by = await gw.gateway.access.authenticate(toAuthorization({ user: 'admin@baton.test', password: 'test-password' }), 'setup');
    await gw.gateway.access.createUser({ emailId: 'reader@baton.test', password: 'reader-password' }, by);
    await gw.gateway.access.addUserToRole('demo', 'businessuser', 'reader@baton.test', by);
    expect((await admin.post('/v1/organizations/demo/userroles', { json: { role: [{ name: 'apimanager' }] } })).status).toBe(201);
    expect((await admin.post('/v1/organizations/demo/userroles/apimanager/permissions', { json: { permissions: ['READ', 'API_MANAGEMENT'] } })).status).toBe(201);
    await gw.gateway.access.createUser({ emailId: 'manager@baton.test', password: 'manager-password' }, by);
    await gw.gateway.access.addUserToRole('demo', 'apimanager', 'manager@baton.test', by);
    reader = adminClient(gw.gateway.adminUrl, { user: 'reader@baton.test', password: 'reader-password' });
    manager = adminClient(gw.gateway.adminUrl, { user: 'manager@baton.test', password: 'manager-password' });
  });
  afterAll(() => gw.close());

  it('creates, reads, lists, updates, deactivates and deletes developers', async () => {
    const created = await admin.post('/v1/o/demo/developers', { json: { email: 'dev1@example.com', firstName: 'Dev', lastName: 'One', userName: 'dev1', attributes: [{ name: 'team', value: 'a' }] } });
    expect(created.status, created.text()).toBe(201);
    const developer = created.json<Record<string, unknown>>();
    expect(developer).toEqual({
      apps: [], companies: [], email: 'dev1@example.com', developerId: expect.stringMatching(/^[0-9a-f-]{36}$/), firstName: 'Dev', lastName: 'One',
      userName: 'dev1', organizationName: 'demo', status: 'active', attributes: [{ name: 'team', value: 'a' }],
      createdAt: expect.any(Number), createdBy: 'admin@baton.test', lastModifiedAt: expect.any(Number), lastModifiedBy: 'admin@baton.test',
    });
    expectError(await admin.post('/v1/o/demo/developers', { json: { email: 'DEV1@example.com', firstName: 'x', lastName: 'y', userName: 'z' } }), 409, 'developer.service.DeveloperAlreadyExists');
    expect((await admin.get('/v1/organizations/demo/developers')).json()).toEqual(['dev1@example.com']);
    expect((await admin.get('/v1/organizations/demo/developers', { query: { expand: true } })).json()).toEqual({ developer: [developer] });
    expect((await admin.get(`/v1/o/demo/developers/${developer.developerId as string}`)).json()).toMatchObject({ email: 'dev1@example.com' });

    const updated = await admin.put('/v1/o/demo/developers/dev1@example.com', { json: { ...developer, lastName: 'Uno' } });
    expect(updated.status, updated.text()).toBe(200);
    expect(updated.json()).toMatchObject({ lastName: 'Uno', developerId: developer.developerId });

    const inactive = await admin.post('/v1/o/demo/developers/dev1@example.com', { query: { action: 'inactive' }, headers: { 'content-type': 'application/octet-stream' } });
    expect(inactive.status, inactive.text()).toBe(204);
    expect((await admin.get('/v1/o/demo/developers/dev1@example.com')).json()).toMatchObject({ status: 'inactive' });
    expectError(await admin.post('/v1/o/demo/developers/dev1@example.com', { query: { action: 'sleep' } }), 400, 'messaging.config.beans.InvalidParameter');

    const deleted = await admin.delete('/v1/o/demo/developers/dev1@example.com');
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toMatchObject({ email: 'dev1@example.com' });
    const missing = expectError(await admin.get('/v1/o/demo/developers/dev1@example.com'), 404, 'developer.service.DeveloperDoesNotExist');
    expect(missing.message).toBe('DeveloperId dev1@example.com does not exist in organization demo');
  });

  it('refuses malformed bodies with 400 or 415 and Apigee error JSON', async () => {
    expectError(await admin.post('/v1/o/demo/developers', { json: { email: 'x@example.com' } }), 400, 'messaging.config.beans.InvalidParameter');
    expectError(await admin.post('/v1/o/demo/developers', { json: ['not', 'an', 'object'] }), 400, 'messaging.config.beans.InvalidParameter');
    expectError(await admin.post('/v1/o/demo/developers', { body: '<Developer/>', headers: { 'content-type': 'application/xml' } }), 415, 'messaging.config.beans.UnsupportedMediaType');
    expectError(await admin.post('/v1/o/demo/apiproducts', { json: { name: 'p', quota: 'lots' } }), 400, 'messaging.config.beans.InvalidParameter');
    expectError(await admin.get('/v1/o/nowhere/developers'), 404, 'messaging.config.beans.OrganizationDoesNotExist');
    expect((await admin.get('/v1/o/demo/developers')).json()).toEqual([]);
  });

  it('manages API products in Edge shape', async () => {
    const created = await admin.post('/v1/o/demo/apiproducts', { json: {
      name: 'bronze', displayName: 'Bronze', approvalType: 'auto', environments: ['test'], proxies: ['weather'], apiResources: ['/**'],
      quota: '100', quotaInterval: '1', quotaTimeUnit: 'hour', attributes: [{ name: 'access', value: 'public' }],
    } });
    expect(created.status, created.text()).toBe(201);
    expect(created.json()).toMatchObject({ name: 'bronze', quota: '100', quotaInterval: '1', quotaTimeUnit: 'hour', environments: ['test'], proxies: ['weather'] });
    expectError(await admin.post('/v1/o/demo/apiproducts', { json: { name: 'bronze' } }), 409, 'keymanagement.service.apiproduct_already_exists');
    expect((await admin.get('/v1/o/demo/apiproducts')).json()).toEqual(['bronze']);
    expect((await admin.get('/v1/o/demo/apiproducts', { query: { expand: 'true' } })).json()).toMatchObject({ apiProduct: [{ name: 'bronze' }] });
    expect((await admin.put('/v1/o/demo/apiproducts/bronze', { json: { proxies: [] } })).json()).toMatchObject({ proxies: [], environments: ['test'] });
    const missing = expectError(await admin.get('/v1/o/demo/apiproducts/tin'), 404, 'keymanagement.service.apiproduct_doesnot_exist');
    expect(missing.message).toBe('API Product [tin] does not exist for tenant [demo]');
    for (const name of ['zinc', 'alpha']) expect((await admin.post('/v1/o/demo/apiproducts', { json: { name } })).status).toBe(201);
    expect((await admin.get('/v1/o/demo/apiproducts', { query: { count: 2 } })).json()).toEqual(['alpha', 'bronze']);
    expect((await admin.get('/v1/o/demo/apiproducts', { query: { startKey: 'b', count: 5 } })).json()).toEqual(['bronze', 'zinc']);
    expectError(await admin.get('/v1/o/demo/apiproducts', { query: { count: 0 } }), 400, 'messaging.config.beans.InvalidParameter');
    for (const name of ['bronze', 'zinc', 'alpha']) expect((await admin.delete(`/v1/o/demo/apiproducts/${name}`)).status).toBe(200);
    expect((await admin.get('/v1/o/demo/apiproducts')).json()).toEqual([]);
  });

  describe('apps and keys', () => {
    let app: AppJson;
    const keyPath = () => `/v1/o/demo/developers/ann@example.com/apps/weather/keys/${app.credentials[0]!.consumerKey}`;

    beforeAll(async () => {
      expect((await admin.post('/v1/o/demo/apiproducts', { json: { name: 'gold', approvalType: 'auto' } })).status).toBe(201);
      expect((await admin.post('/v1/o/demo/apiproducts', { json: { name: 'silver', approvalType: 'manual' } })).status).toBe(201);
      expect((await admin.post('/v1/o/demo/developers', { json: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', userName: 'ann' } })).status).toBe(201);
      const created = await admin.post('/v1/o/demo/developers/ann@example.com/apps', { json: { name: 'weather', apiProducts: ['gold', 'silver'], callbackUrl: 'https://example.com/cb', keyExpiresIn: '86400000' } });
      expect(created.status, created.text()).toBe(201);
      app = created.json<AppJson>();
    });

    it('creates an app with one generated credential in Edge shape', async () => {
      expect(app).toMatchObject({ name: 'weather', status: 'approved', appFamily: 'default', callbackUrl: 'https://example.com/cb', scopes: [], attributes: [] });
      const [credential] = app.credentials;
      expect(credential).toMatchObject({
        apiProducts: [{ apiproduct: 'gold', status: 'approved' }, { apiproduct: 'silver', status: 'pending' }],
        consumerKey: expect.stringMatching(/^[A-Za-z0-9]{32}$/), consumerSecret: expect.stringMatching(/^[A-Za-z0-9]{16}$/), status: 'approved',
      });
      expect(credential!.expiresAt - credential!.issuedAt).toBe(86_400_000);
      expect((await admin.get('/v1/o/demo/developers/ann@example.com/apps/weather')).json()).toEqual(app);
      expect((await admin.get('/v1/o/demo/developers/ann@example.com/apps')).json()).toEqual(['weather']);
      expect((await admin.get('/v1/o/demo/developers/ann@example.com/apps', { query: { expand: true } })).json()).toEqual({ app: [app] });
      expect((await admin.get('/v1/o/demo/apps')).json()).toEqual([app.appId]);
      expect((await admin.get('/v1/o/demo/apps', { query: { expand: true } })).json()).toEqual({ app: [app] });
      expect((await admin.get(`/v1/o/demo/apps/${app.appId}`)).json()).toEqual(app);
      expect((await admin.get('/v1/o/demo/developers/ann@example.com')).json()).toMatchObject({ apps: ['weather'] });
    });

    it('answers Edge errors for apps and keys', async () => {
      expectError(await admin.post('/v1/o/demo/developers/ann@example.com/apps', { json: { name: 'weather' } }), 409, 'developer.service.AppAlreadyExists');
      const unknownProduct = expectError(await admin.post('/v1/o/demo/developers/ann@example.com/apps', { json: { name: 'x', apiProducts: ['nope'] } }), 400, 'messaging.config.beans.InvalidParameter');
      expect(unknownProduct.message).toBe('API Product [nope] does not exist for tenant [demo]');
      expectError(await admin.post('/v1/o/demo/developers/nobody@example.com/apps', { json: { name: 'x' } }), 404, 'developer.service.DeveloperDoesNotExist');
      const missingApp = expectError(await admin.get('/v1/o/demo/developers/ann@example.com/apps/nope'), 404, 'developer.service.AppDoesNotExist');
      expect(missingApp.message).toBe('App named nope does not exist under ann@example.com');
      expectError(await admin.get('/v1/o/demo/apps/no-such-id'), 404, 'keymanagement.service.app_does_not_exist');
      expectError(await admin.get('/v1/o/demo/developers/ann@example.com/apps/weather/keys/not-a-key'), 404, 'keymanagement.service.InvalidClientIdForGivenApp');
      expectError(await admin.delete(`${keyPath()}/apiproducts/bronze`), 400, 'messaging.config.beans.InvalidParameter');
    });

    it('approves and revokes a key and its products, adds and removes products', async () => {
      expect((await admin.get(keyPath())).json()).toEqual(app.credentials[0]);
      expect((await admin.post(keyPath(), { query: { action: 'revoke' } })).status).toBe(204);
      expect((await admin.get(keyPath())).json()).toMatchObject({ status: 'revoked' });
      expect((await admin.post(keyPath(), { query: { action: 'approve' } })).status).toBe(204);
      expect((await admin.post(`${keyPath()}/apiproducts/silver`, { query: { action: 'approve' } })).status).toBe(204);
      expect((await admin.get(keyPath())).json()).toMatchObject({ status: 'approved', apiProducts: [{ apiproduct: 'gold', status: 'approved' }, { apiproduct: 'silver', status: 'approved' }] });
      const removed = await admin.delete(`${keyPath()}/apiproducts/silver`);
      expect(removed.status, removed.text()).toBe(200);
      expect(removed.json()).toMatchObject({ apiProducts: [{ apiproduct: 'gold', status: 'approved' }] });
      const added = await admin.post(keyPath(), { json: { apiProducts: ['silver'] } });
      expect(added.status, added.text()).toBe(200);
      expect(added.json()).toMatchObject({ apiProducts: [{ apiproduct: 'gold', status: 'approved' }, { apiproduct: 'silver', status: 'pending' }] });
    });

    it('imports a key pair, refuses a duplicate, deletes it', async () => {
      const base = '/v1/o/demo/developers/ann@example.com/apps/weather/keys';
      const imported = await admin.post(`${base}/create`, { json: { consumerKey: 'imported-key-0001', consumerSecret: 'imported-secret-0001' } });
      expect(imported.status, imported.text()).toBe(201);
      expect(imported.json()).toMatchObject({ consumerKey: 'imported-key-0001', consumerSecret: 'imported-secret-0001', apiProducts: [], status: 'approved', expiresAt: -1 });
      expectError(await admin.post(`${base}/create`, { json: { consumerKey: 'imported-key-0001', consumerSecret: 'x' } }), 409, 'keymanagement.service.consumer_key_already_exists');
      expect((await admin.get('/v1/o/demo/developers/ann@example.com/apps/weather')).json<AppJson>().credentials).toHaveLength(2);
      expect((await admin.delete(`${base}/imported-key-0001`)).json()).toMatchObject({ consumerKey: 'imported-key-0001' });
      expectError(await admin.get(`${base}/imported-key-0001`), 404, 'keymanagement.service.InvalidClientIdForGivenApp');
    });

    it('revokes and approves the app itself', async () => {
      expect((await admin.post('/v1/o/demo/developers/ann@example.com/apps/weather', { query: { action: 'revoke' } })).status).toBe(204);
      expect((await admin.get('/v1/o/demo/developers/ann@example.com/apps/weather')).json()).toMatchObject({ status: 'revoked' });
      expect((await admin.post('/v1/o/demo/developers/ann@example.com/apps/weather', { query: { action: 'approve' } })).status).toBe(204);
      expectError(await admin.post('/v1/o/demo/developers/ann@example.com/apps/weather', { query: { action: 'freeze' } }), 400, 'messaging.config.beans.InvalidParameter');
    });

    it('lets READ users read but not change (403); API_MANAGEMENT is enough to change', async () => {
      expect((await reader.get('/v1/o/demo/developers/ann@example.com/apps/weather')).status).toBe(200);
      expectError(await reader.post('/v1/o/demo/developers', { json: { email: 'r@example.com', firstName: 'R', lastName: 'R', userName: 'r' } }), 403, 'security.Forbidden');
      expectError(await reader.post(keyPath(), { query: { action: 'revoke' } }), 403, 'security.Forbidden');
      expectError(await reader.delete('/v1/o/demo/apiproducts/gold'), 403, 'security.Forbidden');
      expect((await admin.get(keyPath())).json()).toMatchObject({ status: 'approved' });
      const created = await manager.post('/v1/o/demo/developers', { json: { email: 'm@example.com', firstName: 'M', lastName: 'M', userName: 'm' } });
      expect(created.status, created.text()).toBe(201);
      expect(created.json()).toMatchObject({ createdBy: 'manager@baton.test' });
    });

    it('audits changes, refusals included, naming keys by reference only', async () => {
      const entries = gw.gateway.audit.list('demo');
      const key = app.credentials[0]!.consumerKey;
      expect(entries.find((e) => e.operation === 'create-app' && e.result === 'success')).toMatchObject({ user: 'admin@baton.test', target: 'developers/ann@example.com/apps/weather', result: 'success', details: { status: 201 } });
      expect(entries.find((e) => e.operation === 'set-key-status' && e.user === 'reader@baton.test')).toMatchObject({ result: 'failure', details: { status: 403, code: 'security.Forbidden' } });
      const keyEntries = entries.filter((e) => e.operation === 'set-key-status');
      expect(keyEntries.length).toBeGreaterThanOrEqual(2);
      for (const entry of keyEntries) expect(entry.target).toMatch(/^developers\/ann@example\.com\/apps\/weather\/keys\/key-[0-9a-f]{12}$/);
      expect(JSON.stringify(entries)).not.toContain(key);
      expect(JSON.stringify(entries)).not.toContain('imported-key-0001');
      expect(JSON.stringify(gw.logs)).not.toContain(key);
    });

    it('deleting the developer deletes the app', async () => {
      expect((await admin.delete('/v1/o/demo/developers/ann@example.com')).json()).toMatchObject({ apps: ['weather'] });
      expectError(await admin.get(`/v1/o/demo/apps/${app.appId}`), 404, 'keymanagement.service.app_does_not_exist');
    });
  });
});
