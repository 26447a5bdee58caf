import { describe, expect, it } from 'vitest';
import { membersCollection, tokensCollection } from '../../../src/access/access-records.js';
import { adminEmail, createAccessFixture, dumpStore, expectAdminError, toBasic } from './access-fixture.js';

const forbidden = 'security.Forbidden';

describe('user management', () => {
  it('creates, reads, lists, updates and deletes users; views never carry a password or hash', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    const created = await fixture.access.createUser({ emailId: 'Ann@example.com', firstName: 'Ann', lastName: 'Lee', password: 'ann-password' }, admin);
    expect(created).toEqual({ emailId: 'Ann@example.com', firstName: 'Ann', lastName: 'Lee', createdAt: fixture.now(), lastModifiedAt: fixture.now() });
    await expectAdminError(fixture.access.createUser({ emailId: 'ann@EXAMPLE.com', password: 'another-password' }, admin), 409, 'usersandroles.UserAlreadyExists');
    expect(fixture.access.listUsers(admin).map((user) => user.emailId)).toEqual([adminEmail, 'Ann@example.com']);
    const text = JSON.stringify([fixture.access.listUsers(admin), fixture.access.getUser('ann@example.com', admin)]);
    expect(text).not.toMatch(/password|scrypt/i);

    fixture.advance(1000);
    const updated = await fixture.access.updateUser('ann@example.com', { lastName: 'Park' }, admin);
    expect(updated).toMatchObject({ firstName: 'Ann', lastName: 'Park', lastModifiedAt: fixture.now() });
    await fixture.access.deleteUser('ann@example.com', admin);
    await expectAdminError(() => fixture.access.getUser('ann@example.com', admin), 404, 'usersandroles.UserDoesNotExist');
    await expectAdminError(fixture.access.deleteUser('ann@example.com', admin), 404);
  });

  it('validates input and never echoes a password', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    await expectAdminError(fixture.access.createUser({ emailId: 'not-an-email', password: 'long-enough' }, admin), 400);
    const short = await expectAdminError(fixture.access.createUser({ emailId: 'a@example.com', password: 'short' }, admin), 400);
    expect(short.message).not.toContain('short"');
    await expectAdminError(fixture.access.createUser({ emailId: 'a@example.com', password: 42 } as never, admin), 400);
    await expectAdminError(fixture.access.createUser(null as never, admin), 400);
    await expectAdminError(fixture.access.createToken(adminEmail, null as never, admin), 400);
    await expectAdminError(fixture.access.createUser({ emailId: 'a@example.com', password: 'long-enough', firstName: 'x\u0000' }, admin), 400);
    expect(JSON.stringify(fixture.audit.list('*'))).not.toContain('long-enough');
  });

  it('lets users read and change themselves, but only admins create, list or delete users', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const ann = await fixture.userWith('ann@example.com', [['demo', 'opsadmin']]);
    expect(fixture.access.getUser('ann@example.com', ann).emailId).toBe('ann@example.com');
    await fixture.access.updateUser('ann@example.com', { password: 'ann-new-password' }, ann);
    await fixture.access.authenticate(toBasic('ann@example.com', 'ann-new-password'), 'c1');
    await expectAdminError(() => fixture.access.getUser(adminEmail, ann), 403, forbidden);
    await expectAdminError(() => fixture.access.listUsers(ann), 403, forbidden);
    await expectAdminError(fixture.access.createUser({ emailId: 'b@example.com', password: 'long-enough' }, ann), 403, forbidden);
    await expectAdminError(fixture.access.deleteUser('ann@example.com', ann), 403, forbidden);
    await expectAdminError(fixture.access.updateUser(adminEmail, { password: 'taken-over!' }, ann), 403, forbidden);
  });

  it('stops an admin of one organization from taking over an account with power in another', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const otherAdmin = await fixture.userWith('oa@example.com', [['other', 'orgadmin']]);
    await fixture.userWith('ops@example.com', [['demo', 'opsadmin']]);
    await fixture.userWith('mixed@example.com', [['other', 'user']]);
    for (const email of [adminEmail, 'ops@example.com']) {
      await expectAdminError(fixture.access.updateUser(email, { password: 'taken-over!' }, otherAdmin), 403, forbidden);
      await expectAdminError(fixture.access.deleteUser(email, otherAdmin), 403, forbidden);
      await expectAdminError(fixture.access.createToken(email, { name: 'backdoor' }, otherAdmin), 403, forbidden);
    }
    // Someone whose roles are all in `other` is theirs to manage.
    await fixture.access.updateUser('mixed@example.com', { password: 'reset-by-admin' }, otherAdmin);
    // …and they may create users (ADMIN in some organization).
    await fixture.access.createUser({ emailId: 'new@example.com', password: 'long-enough' }, otherAdmin);
  });

  it('deletes a user’s memberships and tokens with it', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const ann = await fixture.userWith('ann@example.com', [['demo', 'user'], ['other', 'businessuser']]);
    await fixture.access.createToken('ann@example.com', { name: 'ci' }, ann);
    expect(fixture.store.list(membersCollection)).toHaveLength(2);
    await fixture.access.deleteUser('ann@example.com', await fixture.admin());
    expect(fixture.store.list(membersCollection)).toEqual([]);
    expect(fixture.store.list(tokensCollection)).toEqual([]);
  });

  it('audits every mutation, success and failure, without secrets', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    const ann = await fixture.userWith('ann@example.com');
    await fixture.access.updateUser('ann@example.com', { password: 'changed-password' }, ann);
    await fixture.access.createUser({ emailId: 'x@example.com', password: 'long-enough' }, ann).catch(() => undefined);
    await fixture.access.deleteUser('ann@example.com', admin);
    const entries = fixture.audit.list('*').filter((entry) => entry.user !== 'baton');
    expect(entries.map(({ user, operation, target, result, details }) => ({ user, operation, target, result, details }))).toEqual([
      { user: adminEmail, operation: 'delete-user', target: 'users/ann@example.com', result: 'success', details: undefined },
      { user: 'ann@example.com', operation: 'create-user', target: 'users/x@example.com', result: 'failure', details: { status: 403, code: forbidden } },
      { user: 'ann@example.com', operation: 'update-user', target: 'users/ann@example.com', result: 'success', details: { fields: 'password' } },
      { user: adminEmail, operation: 'create-user', target: 'users/ann@example.com', result: 'success', details: undefined },
    ]);
    expect(dumpStore(fixture.store)).not.toMatch(/changed-password|long-enough|ann@example.com-password/);
  });

  it('keeps users named like Object.prototype members apart from the prototype', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    for (const email of ['__proto__@example.com', 'constructor@x', 'toString@x']) {
      await expectAdminError(() => fixture.access.getUser(email, admin), 404);
      await fixture.access.createUser({ emailId: email, password: 'long-enough' }, admin);
      await fixture.access.authenticate(toBasic(email, 'long-enough'), 'c1');
    }
    expect(fixture.access.listUsers(admin)).toHaveLength(4);
  });
});
