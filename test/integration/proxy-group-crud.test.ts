// Proxy groups over the management API: create, read, list, replace, delete; validation, permissions, audit, members in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createGroup, createTokenUser, expectBody, groupDeploymentsPath, groupsPath, importMock } from './proxy-group-fixture.js';
import { createUserWithRoles } from './promotion-fixture.js';

interface GroupJson {
  name: string;
  description: string;
  members: Array<{ api: string; revision: string; basePath?: string }>;
  settings: Record<string, unknown>;
  deployDelaySeconds: number;
  createdBy: string;
  lastModifiedBy: string;
}

const settings = {
  cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'POST'], maxAgeSeconds: 600, allowCredentials: true },
  responseCache: { timeoutInSeconds: 60, keyFragments: [{ ref: 'request.uri' }, 'v1'] },
};

describe('proxy group CRUD', () => {
  let gw: TestGateway;
  let reader: AdminClient;
  let manager: AdminClient;
  beforeAll(async () => {
    gw = await startGateway();
    await importMock(gw, 'orders', '/orders', 'o1');
    await importMock(gw, 'orders', '/orders', 'o2');
    await importMock(gw, 'billing', '/billing', 'b1');
    reader = await createUserWithRoles(gw, 'reader@example.com', ['businessuser']);
    manager = (await createTokenUser(gw, 'manager@example.com', [{ permissions: ['READ', 'API_MANAGEMENT'] }])).bearer;
  });
  afterAll(() => gw.close());

  it('creates, reads, lists, replaces and deletes a group, durably and audited', async () => {
    const created = expectBody(await createGroup(manager, {
      name: 'shop', description: 'the shop', members: [{ api: 'orders', revision: 1, basePath: 'orders/' }, 'billing'], settings, deployDelaySeconds: 5,
    }), 201) as unknown as GroupJson;
    expect(created).toMatchObject({
      name: 'shop', description: 'the shop', deployDelaySeconds: 5, createdBy: 'manager@example.com',
      members: [{ api: 'orders', revision: '1', basePath: '/orders' }, { api: 'billing', revision: 'latest' }],
      settings: {
        cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'POST'], maxAgeSeconds: 600, allowCredentials: true },
        responseCache: { timeoutInSeconds: 60, keyFragments: [{ ref: 'request.uri' }, { value: 'v1' }] },
      },
    });
    expect(expectBody(await reader.get(`${groupsPath}/shop`), 200)).toEqual(created);
    expect(expectBody(await reader.get(groupsPath), 200)).toEqual(['shop']);
    expect(expectBody(await reader.get(groupsPath, { query: { expand: true } }), 200)).toEqual({ proxyGroups: [created] });

    const replaced = expectBody(await manager.put(`${groupsPath}/shop`, { json: { members: [{ api: 'orders', revision: '2' }] } }), 200) as unknown as GroupJson;
    expect(replaced).toMatchObject({ name: 'shop', description: '', members: [{ api: 'orders', revision: '2' }], settings: {}, deployDelaySeconds: 0 });
    expect(gw.gateway.groups.get('demo', 'shop')).toMatchObject({ members: [{ api: 'orders', revision: 2 }], createdBy: 'manager@example.com', lastModifiedBy: 'manager@example.com' });

    expect(expectBody(await manager.delete(`${groupsPath}/shop`), 200)).toMatchObject({ name: 'shop' });
    expect(expectBody(await reader.get(`${groupsPath}/shop`), 404).code).toBe('baton.proxygroups.ProxyGroupDoesNotExist');
    expect(gw.gateway.groups.get('demo', 'shop')).toBeUndefined();

    const audit = (await gw.admin.get('/v1/audits/organizations/demo')).json<{ auditRecord: Array<{ operation: string; target: string; result: string; user: string }> }>();
    const changes = audit.auditRecord.filter((e) => e.operation.endsWith('-proxygroup')).reverse();
    expect(changes.map((e) => `${e.operation} ${e.target} ${e.result}`)).toEqual([
      'create-proxygroup proxygroups/shop success', 'update-proxygroup proxygroups/shop success', 'delete-proxygroup proxygroups/shop success',
    ]);
  });

  it('refuses invalid bodies with 400 naming every field, storing nothing', async () => {
    const body = expectBody(await createGroup(manager, {
      name: 'bad name', members: [{ api: 'orders', revision: 'two' }, 'orders/x', { api: 'billing', colour: 'red' }], extra: 1,
      settings: {
        cors: { allowOrigins: ['https://app.example.com/path', '*'], allowCredentials: true, maxAgeSeconds: -2, allowMethods: ['GET POST'] },
        responseCache: { keyFragments: [] },
        rateLimit: {},
      },
    }), 400);
    expect(body.code).toBe('messaging.config.beans.InvalidParameter');
    expect(body.errors).toEqual(expect.arrayContaining([
      'extra: unknown field; expected one of name, description, members, settings, deployDelaySeconds',
      'name: expected a group name (A-Za-z0-9._-, at most 255), got "bad name"',
      'members[0].revision: expected a revision number or "latest", got "two"',
      'members[1]: "orders/x" is not a valid API proxy name (A-Za-z0-9._-)',
      'members[2].colour: unknown field; expected one of api, revision, basePath',
      'settings.rateLimit: unknown field; expected one of cors, responseCache',
      'settings.cors.allowOrigins[0]: expected an origin such as https://app.example.com, or *, got "https://app.example.com/path"',
      'settings.cors.allowMethods[0]: expected an HTTP method or *, got "GET POST"',
      'settings.cors.maxAgeSeconds: expected an integer from -1 to 86400, got -2',
      'settings.cors.allowCredentials: cannot be true when allowOrigins contains *',
      'settings.responseCache.timeoutInSeconds: required',
      'settings.responseCache.keyFragments: expected a list of 1 to 16 key fragments, got []',
    ]));
    expect(expectBody(await createGroup(manager, { name: 'empty' }), 400).message).toContain('members: expected a list of 1 to 100 proxies');
    expect(expectBody(await createGroup(manager, { name: 'twice', members: ['orders', { api: 'orders' }] }), 400).message).toContain('members[1]: proxy orders is named twice');
    expect(expectBody(await manager.post(groupsPath, { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415).code).toBe('messaging.config.beans.UnsupportedMediaType');
    expect(gw.gateway.groups.list('demo')).toEqual([]);
  });

  it('answers 404 for members that do not exist, 409 for a duplicate, 400 for a rename', async () => {
    expect(expectBody(await createGroup(manager, { name: 'g', members: ['nope'] }), 404).code).toBe('messaging.config.beans.ApplicationDoesNotExist');
    expect(expectBody(await createGroup(manager, { name: 'g', members: [{ api: 'orders', revision: 9 }] }), 404).code).toBe('messaging.config.beans.RevisionDoesNotExist');
    expectBody(await createGroup(manager, { name: 'g', members: ['orders'] }), 201);
    expect(expectBody(await createGroup(manager, { name: 'g', members: ['billing'] }), 409).code).toBe('baton.proxygroups.ProxyGroupAlreadyExists');
    expect(expectBody(await manager.put(`${groupsPath}/g`, { json: { name: 'h', members: ['orders'] } }), 400).message).toContain('groups cannot be renamed');
    expect(expectBody(await manager.put(`${groupsPath}/h`, { json: { members: ['orders'] } }), 404).code).toBe('baton.proxygroups.ProxyGroupDoesNotExist');
    expect(expectBody(await manager.put(`${groupsPath}/g`, { json: { members: ['ghost'] } }), 404).code).toBe('messaging.config.beans.ApplicationDoesNotExist');
    expect(gw.gateway.groups.get('demo', 'g')?.members).toEqual([{ api: 'orders' }]);
    expectBody(await manager.delete(`${groupsPath}/g`), 200);
  });

  it('lets READ read but needs API_MANAGEMENT to change (403, nothing changes)', async () => {
    expectBody(await createGroup(manager, { name: 'ro', members: ['orders'] }), 201);
    expect(expectBody(await createGroup(reader, { name: 'r2', members: ['orders'] }), 403).code).toBe('security.Forbidden');
    expect(expectBody(await reader.put(`${groupsPath}/ro`, { json: { members: ['billing'] } }), 403).code).toBe('security.Forbidden');
    expect(expectBody(await reader.delete(`${groupsPath}/ro`), 403).code).toBe('security.Forbidden');
    expect(expectBody(await reader.get(`${groupsPath}/ro`), 200)).toMatchObject({ members: [{ api: 'orders', revision: 'latest' }] });
    expect(expectBody(await reader.get(groupDeploymentsPath('ro', 'test')), 200)).toMatchObject({ name: 'ro', environment: 'test', state: 'notDeployed', upToDate: false });
    expect(expectBody(await gw.admin.get('/v1/organizations/nowhere/proxygroups'), 404).code).toBe('messaging.config.beans.OrganizationDoesNotExist');
    const failures = (await gw.admin.get('/v1/audits/organizations/demo')).json<{ auditRecord: Array<{ operation: string; result: string; user: string; details?: Record<string, unknown> }> }>()
      .auditRecord.filter((e) => e.user === 'reader@example.com');
    expect(failures.map((e) => `${e.operation} ${e.result} ${String(e.details?.status)}`).sort()).toEqual([
      'create-proxygroup failure 403', 'delete-proxygroup failure 403', 'update-proxygroup failure 403',
    ]);
    expectBody(await manager.delete(`${groupsPath}/ro`), 200);
  });

  it('refuses to delete a member proxy or a pinned revision (409) until no group names it', async () => {
    await importMock(gw, 'legacy', '/legacy', 'l1');
    await importMock(gw, 'legacy', '/legacy', 'l2');
    expectBody(await createGroup(manager, { name: 'keep', members: [{ api: 'legacy', revision: 1 }] }), 201);
    expect(expectBody(await gw.admin.delete('/v1/organizations/demo/apis/legacy'), 409)).toMatchObject({
      code: 'baton.proxygroups.MemberInUse', message: 'APIProxy legacy is a member of API proxy group keep; remove it from the group first',
    });
    expect(expectBody(await gw.admin.delete('/v1/organizations/demo/apis/legacy/revisions/1'), 409).message).toBe('Revision 1 of APIProxy legacy is a member of API proxy group keep; remove it from the group first');
    expectBody(await gw.admin.delete('/v1/organizations/demo/apis/legacy/revisions/2'), 200);
    expectBody(await manager.put(`${groupsPath}/keep`, { json: { members: ['orders'] } }), 200);
    expectBody(await gw.admin.delete('/v1/organizations/demo/apis/legacy'), 200);
    expectBody(await manager.delete(`${groupsPath}/keep`), 200);
  });

  it('refuses to delete a deployed group (409) until it is undeployed', async () => {
    const operator = await createTokenUser(gw, 'deployer@example.com', [{ permissions: ['READ', 'API_MANAGEMENT', 'DEPLOY_UNDEPLOY'] }]);
    expectBody(await createGroup(operator.bearer, { name: 'live', members: ['billing'] }), 201);
    expectBody(await operator.bearer.post(groupDeploymentsPath('live', 'prod')), 200);
    expect(expectBody(await operator.bearer.delete(`${groupsPath}/live`), 409)).toMatchObject({
      code: 'baton.proxygroups.ProxyGroupDeployed', message: 'API proxy group live is deployed in environment prod; undeploy it first',
    });
    expectBody(await operator.bearer.delete(groupDeploymentsPath('live', 'prod')), 200);
    expectBody(await operator.bearer.delete(`${groupsPath}/live`), 200);
  });
});
