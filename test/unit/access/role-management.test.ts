import { describe, expect, it } from 'vitest';
import { adminEmail, createAccessFixture, expectAdminError, toBasic } from './access-fixture.js';

async function startFixture() {
  const fixture = createAccessFixture();
  await fixture.access.initialize();
  return { ...fixture, adminPrincipal: await fixture.admin() };
}

describe('custom roles', () => {
  it('grants environment-scoped permissions through a custom role, live on the next request', async () => {
    const { access, adminPrincipal: admin, userWith } = await startFixture();
    await access.createRole('demo', 'deployer', admin);
    expect(access.listRoles('demo', admin)).toEqual(['orgadmin', 'opsadmin', 'businessuser', 'user', 'deployer']);
    expect(access.listRoles('other', admin)).toEqual(['orgadmin', 'opsadmin', 'businessuser', 'user']);
    await userWith('dee@example.com', [['demo', 'deployer']]);
    const login = (): Promise<ReturnType<typeof access.authenticate> extends Promise<infer P> ? P : never> =>
      access.authenticate(toBasic('dee@example.com', 'dee@example.com-password'), 'c1');
    expect((await login()).has('READ', 'demo')).toBe(false);

    expect(await access.addRolePermissions('demo', 'deployer', { permissions: ['DEPLOY_UNDEPLOY'], environments: ['prod'] }, admin)).toEqual([
      { permission: 'DEPLOY_UNDEPLOY', environments: ['prod'] },
    ]);
    await access.addRolePermissions('demo', 'deployer', { permissions: ['DEPLOY_UNDEPLOY'], environments: ['test'] }, admin);
    await access.addRolePermissions('demo', 'deployer', { permissions: ['READ'] }, admin);
    expect(access.listRolePermissions('demo', 'deployer', admin)).toEqual([
      { permission: 'READ' },
      { permission: 'DEPLOY_UNDEPLOY', environments: ['prod', 'test'] },
    ]);
    const dee = await login();
    expect(dee.has('READ', 'demo')).toBe(true);
    expect(dee.has('DEPLOY_UNDEPLOY', 'demo', 'prod')).toBe(true);
    expect(dee.has('DEPLOY_UNDEPLOY', 'demo')).toBe(false);
    expect(dee.has('DEPLOY_UNDEPLOY', 'other', 'test')).toBe(false);

    // An unscoped grant absorbs the scoped one; removal takes the permission away everywhere.
    expect(await access.addRolePermissions('demo', 'deployer', { permissions: ['DEPLOY_UNDEPLOY'] }, admin)).toEqual([
      { permission: 'READ' },
      { permission: 'DEPLOY_UNDEPLOY' },
    ]);
    expect(await access.removeRolePermission('demo', 'deployer', 'DEPLOY_UNDEPLOY', admin)).toEqual([{ permission: 'READ' }]);
    expect((await login()).has('DEPLOY_UNDEPLOY', 'demo', 'prod')).toBe(false);

    await access.deleteRole('demo', 'deployer', admin);
    expect((await login()).has('READ', 'demo')).toBe(false);
    // Re-creating the role does not bring back old members.
    await access.createRole('demo', 'deployer', admin);
    expect(access.listRoleUsers('demo', 'deployer', admin)).toEqual([]);
  });

  it('validates roles, permissions and environments; built-ins are fixed', async () => {
    const { access, adminPrincipal: admin } = await startFixture();
    await expectAdminError(access.createRole('demo', 'user', admin), 409, 'usersandroles.RoleAlreadyExists');
    await expectAdminError(access.createRole('demo', 'bad name', admin), 400);
    await expectAdminError(access.createRole('nowhere', 'r', admin), 404, 'messaging.config.beans.OrganizationDoesNotExist');
    await expectAdminError(access.deleteRole('demo', 'orgadmin', admin), 400);
    await expectAdminError(access.addRolePermissions('demo', 'user', { permissions: ['ADMIN'] }, admin), 400);
    await expectAdminError(access.deleteRole('demo', 'missing', admin), 404, 'usersandroles.RoleDoesNotExist');
    await access.createRole('demo', 'r', admin);
    await expectAdminError(access.addRolePermissions('demo', 'r', { permissions: ['SUPERUSER'] } as never, admin), 400);
    await expectAdminError(access.addRolePermissions('demo', 'r', { permissions: [] }, admin), 400);
    await expectAdminError(access.addRolePermissions('demo', 'r', { permissions: ['READ'], environments: ['staging'] }, admin), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
    await expectAdminError(access.addRolePermissions('demo', 'r', { permissions: ['ADMIN'], environments: ['test'] }, admin), 400);
    await expectAdminError(() => access.listRolePermissions('demo', 'missing', admin), 404);
    expect(access.listRolePermissions('demo', 'user', admin)).toEqual([
      { permission: 'READ' },
      { permission: 'API_DEFINITION' },
      { permission: 'DEPLOY_UNDEPLOY', environments: ['test'] },
    ]);
  });

  it('needs ADMIN in the organization for roles and memberships, reads included', async () => {
    const { access, adminPrincipal: admin, userWith } = await startFixture();
    const otherAdmin = await userWith('oa@example.com', [['other', 'orgadmin']]);
    const ops = await userWith('ops@example.com', [['demo', 'opsadmin']]);
    for (const by of [otherAdmin, ops]) {
      await expectAdminError(access.createRole('demo', 'r', by), 403, 'security.Forbidden');
      await expectAdminError(access.addUserToRole('demo', 'orgadmin', by.user, by), 403);
      await expectAdminError(() => access.listRoles('demo', by), 403);
      await expectAdminError(() => access.listRoleUsers('demo', 'user', by), 403);
    }
    await access.addUserToRole('other', 'user', 'ops@example.com', otherAdmin);
    // An admin sees another user's roles only in their own organizations; users see all of theirs.
    expect(access.listUserRoles('ops@example.com', otherAdmin)).toEqual([{ organization: 'other', role: 'user' }]);
    expect(access.listUserRoles('ops@example.com', ops)).toEqual([
      { organization: 'demo', role: 'opsadmin' },
      { organization: 'other', role: 'user' },
    ]);
    expect(access.listUserRoles('ops@example.com', admin)).toHaveLength(2);
  });

  it('adds and removes members, checking users and roles exist', async () => {
    const { access, adminPrincipal: admin, userWith } = await startFixture();
    await userWith('ann@example.com');
    await access.addUserToRole('demo', 'businessuser', 'ANN@example.com', admin);
    await access.addUserToRole('demo', 'businessuser', 'ann@example.com', admin);
    expect(access.listRoleUsers('demo', 'businessuser', admin)).toEqual(['ann@example.com']);
    expect(access.listRoleUsers('demo', 'orgadmin', admin)).toEqual([adminEmail]);
    await expectAdminError(access.addUserToRole('demo', 'businessuser', 'ghost@example.com', admin), 404, 'usersandroles.UserDoesNotExist');
    await expectAdminError(access.addUserToRole('demo', 'ghost-role', 'ann@example.com', admin), 404, 'usersandroles.RoleDoesNotExist');
    await expectAdminError(access.addUserToRole('nowhere', 'user', 'ann@example.com', admin), 404, 'messaging.config.beans.OrganizationDoesNotExist');
    await access.removeUserFromRole('demo', 'businessuser', 'ann@example.com', admin);
    await expectAdminError(access.removeUserFromRole('demo', 'businessuser', 'ann@example.com', admin), 404, 'usersandroles.UserNotInRole');
    expect(access.listRoleUsers('demo', 'businessuser', admin)).toEqual([]);
  });

  it('audits role changes under their organization, failures included', async () => {
    const { access, audit, adminPrincipal: admin, userWith } = await startFixture();
    const ops = await userWith('ops@example.com', [['demo', 'opsadmin']]);
    await access.createRole('demo', 'r', admin);
    await access.addRolePermissions('demo', 'r', { permissions: ['READ'] }, admin);
    await access.removeRolePermission('demo', 'r', 'READ', admin);
    await access.deleteRole('demo', 'r', ops).catch(() => undefined);
    await access.deleteRole('demo', 'r', admin);
    await access.removeUserFromRole('demo', 'opsadmin', 'ops@example.com', admin);
    expect(audit.list('demo').map(({ user, operation, target, result }) => `${user} ${operation} ${target} ${result}`)).toEqual([
      `${adminEmail} remove-user-role organizations/demo/userroles/opsadmin/users/ops@example.com success`,
      `${adminEmail} delete-role organizations/demo/userroles/r success`,
      'ops@example.com delete-role organizations/demo/userroles/r failure',
      `${adminEmail} remove-role-permission organizations/demo/userroles/r success`,
      `${adminEmail} add-role-permissions organizations/demo/userroles/r success`,
      `${adminEmail} create-role organizations/demo/userroles/r success`,
      `${adminEmail} add-user-role organizations/demo/userroles/opsadmin/users/ops@example.com success`,
    ]);
    expect(audit.list('other')).toEqual([]);
  });

  it('handles role names like __proto__ and constructor as plain names', async () => {
    const { access, adminPrincipal: admin, userWith } = await startFixture();
    await userWith('ann@example.com');
    for (const role of ['__proto__', 'constructor', 'hasOwnProperty']) {
      await expectAdminError(() => access.listRolePermissions('demo', role, admin), 404);
      await access.createRole('demo', role, admin);
      await access.addRolePermissions('demo', role, { permissions: ['READ'], environments: ['test'] }, admin);
      await access.addUserToRole('demo', role, 'ann@example.com', admin);
    }
    const ann = await access.authenticate(toBasic('ann@example.com', 'ann@example.com-password'), 'c1');
    expect(ann.has('READ', 'demo', 'test')).toBe(true);
    expect(ann.has('READ', 'demo', '__proto__')).toBe(false);
    expect(access.listRoles('demo', admin).slice(4)).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
  });
});
