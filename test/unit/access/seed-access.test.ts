import { describe, expect, it } from 'vitest';
import { usersCollection } from '../../../src/access/access-records.js';
import { ConfigError } from '../../../src/errors.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import { adminEmail, cheapHasher, createAccessFixture, dumpStore, expectAdminError, toBasic } from './access-fixture.js';

describe('initialize: the administrator', () => {
  it('generates a password on first start only, returns it once, and stores only its hash', async () => {
    const store = createMemoryStore();
    const first = createAccessFixture({ store, admin: { password: undefined } });
    const { generatedAdminPassword } = await first.access.initialize();
    expect(generatedAdminPassword).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const password = generatedAdminPassword ?? '';
    expect(dumpStore(store)).not.toContain(password);
    const admin = await first.access.authenticate(toBasic(adminEmail, password), 'c1');
    expect(admin.isAdmin).toBe(true);

    // A restart over the same store (a new service) keeps that password and prints nothing.
    const second = createAccessFixture({ store, admin: { password: undefined } });
    expect(await second.access.initialize()).toEqual({ generatedAdminPassword: undefined });
    await second.access.authenticate(toBasic(adminEmail, password), 'c1');
    expect(second.audit.list('*').filter((entry) => entry.operation === 'generate-admin-password')).toHaveLength(1);
  });

  it('accepts no default password before or after initialize', async () => {
    const fixture = createAccessFixture({ admin: { password: undefined } });
    for (const guess of ['admin', 'password', 'baton', '']) {
      await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, guess), `before-${guess}`), 401);
    }
    await fixture.access.initialize();
    for (const guess of ['admin', 'password', 'baton', '']) {
      await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, guess), `after-${guess}`), 401);
    }
  });

  it('uses the configured password, and re-hashes when it changes between starts', async () => {
    const store = createMemoryStore();
    await createAccessFixture({ store, admin: { password: 'first-admin-password' } }).access.initialize();
    const storedFirst = store.get<{ passwordHash: string }>(usersCollection, adminEmail)?.passwordHash;
    // Same password again: nothing rewritten.
    await createAccessFixture({ store, admin: { password: 'first-admin-password' } }).access.initialize();
    expect(store.get<{ passwordHash: string }>(usersCollection, adminEmail)?.passwordHash).toBe(storedFirst);

    const changed = createAccessFixture({ store, admin: { password: 'second-admin-password' } });
    expect(await changed.access.initialize()).toEqual({ generatedAdminPassword: undefined });
    await expectAdminError(changed.access.authenticate(toBasic(adminEmail, 'first-admin-password'), 'c1'), 401);
    await changed.access.authenticate(toBasic(adminEmail, 'second-admin-password'), 'c1');
    expect(dumpStore(store)).not.toContain('second-admin-password');
  });

  it('makes the administrator orgadmin of every organization, a membership that cannot be removed, and an account that cannot be deleted', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    expect(fixture.access.listUserRoles(adminEmail, admin)).toEqual([
      { organization: 'demo', role: 'orgadmin' },
      { organization: 'other', role: 'orgadmin' },
    ]);
    expect(fixture.access.listRoleUsers('other', 'orgadmin', admin)).toEqual([adminEmail]);
    await expectAdminError(fixture.access.removeUserFromRole('demo', 'orgadmin', adminEmail, admin), 400);
    await expectAdminError(fixture.access.deleteUser(adminEmail, admin), 400);
  });
});

describe('initialize: users of the config', () => {
  it('seeds users with a password or a passwordHash, and their roles', async () => {
    const passwordHash = await cheapHasher.hash('hashed-password');
    const fixture = createAccessFixture({
      users: [
        { email: 'Ann@Example.com', password: 'plain-password', firstName: 'Ann', roles: [{ org: 'demo', role: 'opsadmin' }] },
        { email: 'bob@example.com', passwordHash, roles: [{ org: 'demo', role: 'user' }, { org: 'other', role: 'businessuser' }] },
      ],
    });
    await fixture.access.initialize();
    const ann = await fixture.access.authenticate(toBasic('ann@example.com', 'plain-password'), 'c1');
    expect(ann.has('DEPLOY_UNDEPLOY', 'demo', 'prod')).toBe(true);
    expect(ann.has('ADMIN', 'demo')).toBe(false);
    const bob = await fixture.access.authenticate(toBasic('bob@example.com', 'hashed-password'), 'c1');
    expect(bob.has('DEPLOY_UNDEPLOY', 'demo', 'test')).toBe(true);
    expect(bob.has('READ', 'other')).toBe(true);
    const admin = await fixture.admin();
    expect(fixture.access.getUser('ann@example.com', admin)).toMatchObject({ emailId: 'Ann@Example.com', firstName: 'Ann', lastName: '' });
    expect(dumpStore(fixture.store)).not.toContain('plain-password');
    expect(fixture.audit.list('*').map((entry) => `${entry.user} ${entry.operation} ${entry.target}`)).toContain('baton create-user users/Ann@Example.com');
  });

  it('applies the config again on restart: a deleted configured user and its roles come back', async () => {
    const store = createMemoryStore();
    const users = [{ email: 'ann@example.com', password: 'plain-password', roles: [{ org: 'demo', role: 'user' }] }];
    const first = createAccessFixture({ store, users });
    await first.access.initialize();
    await first.access.deleteUser('ann@example.com', await first.admin());
    await createAccessFixture({ store, users }).access.initialize();
    const ann = await first.access.authenticate(toBasic('ann@example.com', 'plain-password'), 'c1');
    expect(ann.has('API_DEFINITION', 'demo')).toBe(true);
  });

  it('reports every invalid passwordHash and unknown role at once, as a ConfigError, and writes nothing', async () => {
    const fixture = createAccessFixture({
      users: [
        { email: 'ann@example.com', passwordHash: 'md5$abc', roles: [] },
        { email: 'bob@example.com', password: 'bob-password', roles: [{ org: 'demo', role: 'deployer' }] },
      ],
    });
    const error = await fixture.access.initialize().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'users["ann@example.com"].passwordHash: expected scrypt$N$r$p$salt$key (see src/access/password-hasher.ts)',
      'users["bob@example.com"].roles[0].role: no role named "deployer" in organization "demo"',
    ]);
    expect(fixture.store.list(usersCollection)).toEqual([]);
  });
});
