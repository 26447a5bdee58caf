import { describe, expect, it } from 'vitest';
import { adminEmail, createAccessFixture, dumpStore, expectAdminError } from './access-fixture.js';

const dayMs = 24 * 60 * 60 * 1000;

describe('personal access tokens', () => {
  it('creates a token shown once, lists tokens without secrets, and never stores the token', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const ann = await fixture.userWith('ann@example.com', [['demo', 'user']]);
    const created = await fixture.access.createToken('ann@example.com', { name: 'ci', expiresInDays: 30 }, ann);
    expect(created.token).toMatch(/^baton_pat_[A-Za-z0-9_-]{43}$/);
    expect(created).toEqual({ name: 'ci', token: created.token, expiresAt: fixture.now() + 30 * dayMs });
    const other = await fixture.access.createToken('ann@example.com', { name: 'laptop' }, ann);
    expect(other.expiresAt).toBe(fixture.now() + 90 * dayMs);

    const listed = fixture.access.listTokens('ann@example.com', ann);
    expect(listed).toEqual([
      { name: 'ci', createdAt: fixture.now(), expiresAt: created.expiresAt },
      { name: 'laptop', createdAt: fixture.now(), expiresAt: other.expiresAt },
    ]);
    const secretPart = created.token.slice('baton_pat_'.length);
    for (const text of [JSON.stringify(listed), dumpStore(fixture.store)]) {
      expect(text).not.toContain(created.token);
      expect(text).not.toContain(secretPart);
    }
  });

  it('validates names, uniqueness per user and expiresInDays', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    await fixture.access.createToken(adminEmail, { name: 'ci' }, admin);
    await expectAdminError(fixture.access.createToken(adminEmail, { name: 'ci' }, admin), 409, 'usersandroles.TokenAlreadyExists');
    for (const name of ['', 'has space', 'a/b', 'x'.repeat(65), 7]) {
      await expectAdminError(fixture.access.createToken(adminEmail, { name } as never, admin), 400);
    }
    for (const expiresInDays of [0, 3651, 1.5, '30', -1]) {
      await expectAdminError(fixture.access.createToken(adminEmail, { name: 'other', expiresInDays } as never, admin), 400);
    }
    await fixture.access.createToken(adminEmail, { name: 'max.life_2-x', expiresInDays: 3650 }, admin);
    // The same name belongs to each user separately.
    await fixture.userWith('ann@example.com');
    await fixture.access.createToken('ann@example.com', { name: 'ci' }, admin);
    await expectAdminError(fixture.access.createToken('ghost@example.com', { name: 'ci' }, admin), 404, 'usersandroles.UserDoesNotExist');
  });

  it('lets users manage their own tokens and admins anyone’s, but nobody else', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    const ann = await fixture.userWith('ann@example.com', [['demo', 'opsadmin']]);
    const bob = await fixture.userWith('bob@example.com', [['demo', 'opsadmin']]);
    await fixture.access.createToken('ann@example.com', { name: 'ci' }, ann);
    await expectAdminError(fixture.access.createToken('ann@example.com', { name: 'bob' }, bob), 403);
    await expectAdminError(() => fixture.access.listTokens('ann@example.com', bob), 403);
    await expectAdminError(fixture.access.revokeToken('ann@example.com', 'ci', bob), 403);
    expect(fixture.access.listTokens('ann@example.com', admin).map((token) => token.name)).toEqual(['ci']);
    await fixture.access.revokeToken('ann@example.com', 'ci', admin);
    await expectAdminError(fixture.access.revokeToken('ann@example.com', 'ci', ann), 404, 'usersandroles.TokenDoesNotExist');
    expect(fixture.access.listTokens('ann@example.com', ann)).toEqual([]);
  });

  it('keeps listing an expired token (it shows why logins fail) while refusing it', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    const { token } = await fixture.access.createToken(adminEmail, { name: 'short', expiresInDays: 1 }, admin);
    fixture.advance(dayMs);
    await expectAdminError(fixture.access.authenticate(`Bearer ${token}`, 'c1'), 401);
    expect(fixture.access.listTokens(adminEmail, admin).map((t) => t.name)).toEqual(['short']);
  });

  it('audits creation and revocation by token name only', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    const { token } = await fixture.access.createToken(adminEmail, { name: 'ci' }, admin);
    await fixture.access.revokeToken(adminEmail, 'ci', admin);
    await fixture.access.revokeToken(adminEmail, 'ci', admin).catch(() => undefined);
    const entries = fixture.audit.list('*').filter((entry) => entry.operation.endsWith('-token'));
    expect(entries.map(({ operation, target, result }) => `${operation} ${target} ${result}`)).toEqual([
      `revoke-token users/${adminEmail}/tokens/ci failure`,
      `revoke-token users/${adminEmail}/tokens/ci success`,
      `create-token users/${adminEmail}/tokens/ci success`,
    ]);
    expect(JSON.stringify(entries)).not.toContain(token);
  });
});
