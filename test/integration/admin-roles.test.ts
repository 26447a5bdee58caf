// Roles, permissions and memberships over the management API of a real gateway, and what a custom role lets a user do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const invalidParameter = 'messaging.config.beans.InvalidParameter';
const builtInRoles = ['orgadmin', 'opsadmin', 'businessuser', 'user'];
const deploymentsPath = '/environments/test/applications/*/revisions/*/deployments';

function expectError(response: AdminResponse, status: number, code: string): string {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string }>();
  expect(body).toEqual({ code, message: expect.any(String), contexts: [] });
  return body.message;
}

describe('roles', () => {
  let gw: TestGateway;
  let roleCount = 0;
  /** A fresh role name per case, so one failing case cannot break the next. */
  const nextRole = (prefix: string): string => `${prefix}-${++roleCount}`;
  const roles = (): string => '/v1/organizations/demo/userroles';
  const createRole = async (name: string): Promise<void> => {
    const response = await gw.admin.post(roles(), { json: { role: [{ name }] } });
    expect(response.status, response.text()).toBe(201);
  };
  const createUser = async (emailId: string): Promise<AdminClient> => {
    const password = `${emailId}-password`;
    expect((await gw.admin.post('/v1/users', { json: { emailId, password } })).status).toBe(201);
    return adminClient(gw.gateway.adminUrl, { user: emailId, password });
  };
  const addMember = async (role: string, emailId: string): Promise<AdminResponse> =>
    gw.admin.post(`${roles()}/${role}/users`, { query: { id: emailId }, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('lists the built-in roles, with their permissions', async () => {
    const response = await gw.admin.get(roles());
    expect(response.status).toBe(200);
    expect(response.json()).toEqual(builtInRoles);
    expect((await gw.admin.get('/v1/o/demo/userroles/user')).json()).toEqual({ name: 'user' });
    expect((await gw.admin.get(`${roles()}/user/permissions`)).json()).toEqual({
      name: 'user',
      permissions: [{ permission: 'READ' }, { permission: 'API_DEFINITION' }, { permission: 'DEPLOY_UNDEPLOY', environments: ['test'] }],
    });
    expect((await gw.admin.get(`${roles()}/orgadmin/permissions`)).json()).toEqual({ name: 'orgadmin', permissions: [{ permission: 'ADMIN' }] });
    expect((await gw.admin.get(`${roles()}/orgadmin/users`)).json()).toEqual(['admin@baton.test']);
  });

  it('creates, reads and deletes custom roles in Edge shapes', async () => {
    const created = await gw.admin.post(roles(), { json: { role: [{ name: 'auditor' }, { name: 'builder' }] } });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ role: [{ name: 'auditor' }, { name: 'builder' }] });
    expect((await gw.admin.get(roles())).json()).toEqual(expect.arrayContaining([...builtInRoles, 'auditor', 'builder']));
    expect((await gw.admin.get(roles())).json<string[]>().slice(0, 4)).toEqual(builtInRoles);
    expect((await gw.admin.get(`${roles()}/auditor`)).json()).toEqual({ name: 'auditor' });
    expect((await gw.admin.get(`${roles()}/auditor/permissions`)).json()).toEqual({ name: 'auditor', permissions: [] });

    const deleted = await gw.admin.delete(`${roles()}/auditor`);
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toEqual({ name: 'auditor' });
    expect(expectError(await gw.admin.get(`${roles()}/auditor`), 404, 'usersandroles.RoleDoesNotExist')).toBe('Role auditor does not exist in organization demo');
    expectError(await gw.admin.delete(`${roles()}/auditor`), 404, 'usersandroles.RoleDoesNotExist');
  });

  describe('role validation', () => {
    it.each([
      ['no body', undefined, 'role: expected a non-empty list'],
      ['an empty list', { role: [] }, 'role: expected a non-empty list'],
      ['a role without a name', { role: [{}] }, 'role[0].name: expected a string'],
      ['a non-string name', { role: [{ name: 5 }] }, 'role[0].name: expected a string'],
      ['an invalid name', { role: [{ name: 'has space' }] }, 'role: expected 1-64 letters'],
    ])('refuses %s with 400', async (_label, json, message) => {
      const response = json === undefined ? await gw.admin.post(roles()) : await gw.admin.post(roles(), { json });
      expect(expectError(response, 400, invalidParameter)).toContain(message);
    });

    it('answers 409 for an existing or built-in name, 404 for an unknown organization', async () => {
      await createRole('twice');
      expectError(await gw.admin.post(roles(), { json: { role: [{ name: 'twice' }] } }), 409, 'usersandroles.RoleAlreadyExists');
      expectError(await gw.admin.post(roles(), { json: { role: [{ name: 'orgadmin' }] } }), 409, 'usersandroles.RoleAlreadyExists');
      expectError(await gw.admin.get('/v1/organizations/nope/userroles'), 404, 'messaging.config.beans.OrganizationDoesNotExist');
      expectError(await gw.admin.get('/v1/organizations/nope/userroles/user'), 404, 'messaging.config.beans.OrganizationDoesNotExist');
    });

    it('keeps built-in roles fixed', async () => {
      expectError(await gw.admin.delete(`${roles()}/orgadmin`), 400, invalidParameter);
      expectError(await gw.admin.post(`${roles()}/user/permissions`, { json: { permissions: ['ADMIN'] } }), 400, invalidParameter);
      expectError(await gw.admin.delete(`${roles()}/user/permissions/READ`), 400, invalidParameter);
      expect((await gw.admin.get(roles())).json<string[]>()).toEqual(expect.arrayContaining(builtInRoles));
    });
  });

  describe('permissions', () => {
    it("adds and removes permissions in Baton's shape", async () => {
      await createRole('deployer');
      const added = await gw.admin.post(`${roles()}/deployer/permissions`, { json: { permissions: ['READ', 'DEPLOY_UNDEPLOY'], environments: ['test'] } });
      expect(added.status, added.text()).toBe(201);
      const expected = { name: 'deployer', permissions: [{ permission: 'READ', environments: ['test'] }, { permission: 'DEPLOY_UNDEPLOY', environments: ['test'] }] };
      expect(added.json()).toEqual(expected);
      expect((await gw.admin.get(`${roles()}/deployer/permissions`)).json()).toEqual(expected);

      const widened = await gw.admin.post(`${roles()}/deployer/permissions`, { json: { permissions: ['API_DEFINITION'] } });
      // Grants are listed in the order of Baton's permission list.
      expect(widened.json()).toEqual({
        name: 'deployer',
        permissions: [{ permission: 'READ', environments: ['test'] }, { permission: 'API_DEFINITION' }, { permission: 'DEPLOY_UNDEPLOY', environments: ['test'] }],
      });
      const removed = await gw.admin.delete(`${roles()}/deployer/permissions/API_DEFINITION`);
      expect(removed.status).toBe(200);
      expect(removed.json()).toEqual(expected);
    });

    it.each([
      [
        'a deployments path with put, get and delete',
        { path: deploymentsPath, permissions: ['put', 'get', 'delete'] },
        [{ permission: 'READ', environments: ['test'] }, { permission: 'DEPLOY_UNDEPLOY', environments: ['test'] }],
      ],
      ['a deployments path in every environment', { path: '/environments/*/applications/*/deployments', permissions: ['put'] }, [{ permission: 'DEPLOY_UNDEPLOY' }]],
      ['/applications with get and put', { path: '/applications', permissions: ['get', 'put'] }, [{ permission: 'READ' }, { permission: 'API_DEFINITION' }]],
      ['/applications/*/revisions with post and delete', { path: '/applications/*/revisions/', permissions: ['POST', 'delete'] }, [{ permission: 'API_DEFINITION' }]],
      ['/ with get', { path: '/', permissions: ['get'] }, [{ permission: 'READ' }]],
      ['an environment with get', { path: '/environments/prod', permissions: ['get'] }, [{ permission: 'READ', environments: ['prod'] }]],
      [
        "Edge's bulk form",
        { resourcePermission: [{ path: deploymentsPath, permissions: ['put'] }, { path: '/applications', permissions: ['get'] }] },
        [{ permission: 'READ' }, { permission: 'DEPLOY_UNDEPLOY', environments: ['test'] }],
      ],
    ])("maps Edge's resource permission: %s", async (_label, json, permissions) => {
      const role = nextRole('mapped');
      await createRole(role);
      const response = await gw.admin.post(`${roles()}/${role}/permissions`, { json });
      expect(response.status, response.text()).toBe(201);
      expect(response.json()).toEqual({ name: role, permissions });
    });

    it.each([
      ['a resource Baton has no permission for', { path: '/apiproducts', permissions: ['get'] }, 'apiproducts'],
      ['a single API proxy', { path: '/applications/orders', permissions: ['put'] }, 'single API proxy'],
      ['a write on an environment', { path: '/environments/test', permissions: ['put'] }, 'put on /environments/test'],
      ['a write on the organization', { path: '/', permissions: ['delete'] }, 'delete on /'],
      ['an unknown verb', { path: '/applications', permissions: ['patch'] }, 'patch'],
      ['a relative path', { path: 'applications', permissions: ['get'] }, 'starting with /'],
      ['no verbs', { path: '/applications', permissions: [] }, 'non-empty'],
      ['a bulk entry that cannot be mapped', { resourcePermission: [{ path: '/applications', permissions: ['get'] }, { path: '/developers', permissions: ['get'] }] }, 'developers'],
      ['an unknown Baton permission', { permissions: ['DEPLOY'] }, 'permission: expected one of'],
      ['a scoped ADMIN', { permissions: ['ADMIN'], environments: ['test'] }, 'ADMIN'],
      ['no permissions', {}, 'permissions: required'],
    ])('refuses %s with 400 naming it, changing nothing', async (_label, json, named) => {
      const role = nextRole('strict');
      await createRole(role);
      const message = expectError(await gw.admin.post(`${roles()}/${role}/permissions`, { json }), 400, invalidParameter);
      expect(message).toContain(named);
      expect((await gw.admin.get(`${roles()}/${role}/permissions`)).json()).toEqual({ name: role, permissions: [] });
    });

    it('answers 404 for an unknown environment or role', async () => {
      await createRole('scoped');
      expectError(await gw.admin.post(`${roles()}/scoped/permissions`, { json: { permissions: ['READ'], environments: ['staging'] } }), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
      expectError(await gw.admin.post(`${roles()}/scoped/permissions`, { json: { path: '/environments/staging', permissions: ['get'] } }), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
      expectError(await gw.admin.get(`${roles()}/ghost/permissions`), 404, 'usersandroles.RoleDoesNotExist');
      expectError(await gw.admin.post(`${roles()}/ghost/permissions`, { json: { permissions: ['READ'] } }), 404, 'usersandroles.RoleDoesNotExist');
      expectError(await gw.admin.delete(`${roles()}/scoped/permissions/NOPE`), 400, invalidParameter);
    });
  });

  describe('membership', () => {
    it('adds, lists and removes a role member in Edge shapes', async () => {
      await createUser('mia@example.com');
      await createRole('members');
      const added = await addMember('members', 'mia@example.com');
      expect(added.status, added.text()).toBe(201);
      expect(added.json()).toEqual({ emailId: 'mia@example.com', organization: 'demo', role: 'members' });
      // The id may also come as a form field.
      expect((await gw.admin.post(`${roles()}/members/users`, { form: { id: 'mia@example.com' } })).status).toBe(201);
      expect((await gw.admin.get(`${roles()}/members/users`)).json()).toEqual(['mia@example.com']);
      expect((await gw.admin.get('/v1/users/mia@example.com/userroles')).json()).toEqual({ role: [{ name: 'members', organization: 'demo' }] });

      const removed = await gw.admin.delete(`${roles()}/members/users/mia@example.com`);
      expect(removed.status).toBe(200);
      expect(removed.json()).toEqual({ emailId: 'mia@example.com', organization: 'demo', role: 'members' });
      expect((await gw.admin.get(`${roles()}/members/users`)).json()).toEqual([]);
      expect((await gw.admin.get('/v1/users/mia@example.com/userroles')).json()).toEqual({ role: [] });
      expectError(await gw.admin.delete(`${roles()}/members/users/mia@example.com`), 404, 'usersandroles.UserNotInRole');
    });

    it('refuses unknown users and roles, and a missing id', async () => {
      await createRole('lonely');
      expectError(await addMember('lonely', 'ghost@example.com'), 404, 'usersandroles.UserDoesNotExist');
      expectError(await addMember('ghost', 'admin@baton.test'), 404, 'usersandroles.RoleDoesNotExist');
      expect(expectError(await gw.admin.post(`${roles()}/lonely/users`), 400, invalidParameter)).toContain('id');
      expectError(await gw.admin.get(`${roles()}/ghost/users`), 404, 'usersandroles.RoleDoesNotExist');
    });

    it('keeps the administrator in orgadmin', async () => {
      expectError(await gw.admin.delete(`${roles()}/orgadmin/users/admin@baton.test`), 400, invalidParameter);
      expect((await gw.admin.get('/v1/organizations/demo')).status).toBe(200);
    });
  });

  describe('what a custom role allows', () => {
    let dee: AdminClient;
    beforeAll(async () => {
      dee = await createUser('dee@example.com');
      await createRole('test-deployer');
      const granted = await gw.admin.post(`${roles()}/test-deployer/permissions`, { json: { path: deploymentsPath, permissions: ['put', 'get', 'delete'] } });
      expect(granted.status, granted.text()).toBe(201);
    });

    it('refuses everything before the user holds the role', async () => {
      expectError(await dee.get('/v1/o/demo/e/test'), 403, 'security.Forbidden');
      expect((await dee.get('/v1/organizations')).json()).toEqual([]);
    });

    it('lets a member read the test environment and refuses prod, the organization and administration', async () => {
      expect((await addMember('test-deployer', 'dee@example.com')).status).toBe(201);
      expect((await dee.get('/v1/o/demo/e/test')).status).toBe(200);
      expect((await dee.get('/v1/o/demo/e/test/virtualhosts')).status).toBe(200);
      expect(expectError(await dee.get('/v1/o/demo/e/prod'), 403, 'security.Forbidden')).toBe('User dee@example.com lacks permission READ');
      expectError(await dee.get('/v1/o/demo/e/prod/virtualhosts'), 403, 'security.Forbidden');
      // An environment-scoped READ is not the organization's.
      expectError(await dee.get('/v1/organizations/demo'), 403, 'security.Forbidden');
      for (const response of [
        await dee.get(roles()),
        await dee.post(roles(), { json: { role: [{ name: 'escalate' }] } }),
        await dee.post(`${roles()}/orgadmin/users`, { query: { id: 'dee@example.com' } }),
        await dee.post(`${roles()}/test-deployer/permissions`, { json: { permissions: ['ADMIN'] } }),
        await dee.post('/v1/users', { json: { emailId: 'sock@example.com', password: 'sock-password-1' } }),
        await dee.get('/v1/audits/organizations/demo'),
      ]) {
        expect(expectError(response, 403, 'security.Forbidden')).toContain('ADMIN');
      }
      expect((await gw.admin.get(`${roles()}/orgadmin/users`)).json()).toEqual(['admin@baton.test']);
      expect((await dee.get('/v1/users/dee@example.com/userroles')).json()).toEqual({ role: [{ name: 'test-deployer', organization: 'demo' }] });
    });

    it('grants DEPLOY_UNDEPLOY in test only, as the Principal the admin server attaches', async () => {
      const authorization = `Basic ${Buffer.from('dee@example.com:dee@example.com-password').toString('base64')}`;
      const principal = await gw.gateway.access.authenticate(authorization, 'roles-test');
      expect(principal.has('DEPLOY_UNDEPLOY', 'demo', 'test')).toBe(true);
      expect(principal.has('DEPLOY_UNDEPLOY', 'demo', 'prod')).toBe(false);
      expect(principal.has('DEPLOY_UNDEPLOY', 'demo')).toBe(false);
      expect(principal.has('API_DEFINITION', 'demo')).toBe(false);
      expect(principal.has('ADMIN', 'demo')).toBe(false);
      expect(principal.isAdmin).toBe(false);
    });

    it('takes effect at once when the membership is removed, and when the role is deleted', async () => {
      expect((await gw.admin.delete(`${roles()}/test-deployer/users/dee@example.com`)).status).toBe(200);
      expectError(await dee.get('/v1/o/demo/e/test'), 403, 'security.Forbidden');
      expect((await addMember('test-deployer', 'dee@example.com')).status).toBe(201);
      expect((await dee.get('/v1/o/demo/e/test')).status).toBe(200);
      expect((await gw.admin.delete(`${roles()}/test-deployer`)).status).toBe(200);
      expectError(await dee.get('/v1/o/demo/e/test'), 403, 'security.Forbidden');
      expect((await dee.get('/v1/users/dee@example.com/userroles')).json()).toEqual({ role: [] });
    });
  });
});
