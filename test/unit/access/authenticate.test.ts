import { describe, expect, it, vi } from 'vitest';
import type { PasswordHasher } from '../../../src/access/password-hasher.js';
import { adminEmail, adminPassword, cheapHasher, createAccessFixture, expectAdminError, toBasic } from './access-fixture.js';

const unauthorized = 'security.Unauthorized';
const tooMany = 'security.TooManyFailedLogins';

function createSpyHasher(): PasswordHasher & { verify: ReturnType<typeof vi.fn<PasswordHasher['verify']>> } {
  return {
    ...cheapHasher,
    verify: vi.fn<PasswordHasher['verify']>((password, encoded) => cheapHasher.verify(password, encoded)),
  };
}

describe('authenticate: Basic', () => {
  it('accepts the right password (emails case-insensitively) and rejects a wrong one, an unknown user and an empty one with 401', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const principal = await fixture.access.authenticate(toBasic('ADMIN@Baton.Local', adminPassword), 'c1');
    expect(principal).toMatchObject({ user: adminEmail, method: 'basic', isAdmin: true });
    expect(principal.has('ADMIN', 'demo')).toBe(true);
    expect(principal.has('DEPLOY_UNDEPLOY', 'other', 'test')).toBe(true);
    await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, 'wrong'), 'c1'), 401, unauthorized);
    await expectAdminError(fixture.access.authenticate(toBasic('nobody@example.com', adminPassword), 'c1'), 401, unauthorized);
    await expectAdminError(fixture.access.authenticate(toBasic('', ''), 'c1'), 401, unauthorized);
  });

  it('checks an unknown user against a dummy hash: unknown user and wrong password both run the verifier once, and the same way', async () => {
    const hasher = createSpyHasher();
    const fixture = createAccessFixture({ hasher });
    await fixture.access.initialize();
    hasher.verify.mockClear();
    await expectAdminError(fixture.access.authenticate(toBasic('nobody@example.com', 'guess-1'), 'c1'), 401);
    await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, 'guess-2'), 'c2'), 401);
    expect(hasher.verify).toHaveBeenCalledTimes(2);
    const [unknownCall, wrongCall] = hasher.verify.mock.calls;
    expect(unknownCall?.[0]).toBe('guess-1');
    expect(wrongCall?.[0]).toBe('guess-2');
    // Both against a well-formed hash of the same parameters, so both take a full scrypt.
    for (const call of [unknownCall, wrongCall]) expect(cheapHasher.isPasswordHash(call?.[1] ?? '')).toBe(true);
    expect(unknownCall?.[1].split('$').slice(0, 4)).toEqual(wrongCall?.[1].split('$').slice(0, 4));
  });

  it('rejects a missing header with 401 and malformed ones with 400, without running the verifier', async () => {
    const hasher = createSpyHasher();
    const fixture = createAccessFixture({ hasher });
    await fixture.access.initialize();
    hasher.verify.mockClear();
    await expectAdminError(fixture.access.authenticate(undefined, 'c1'), 401, unauthorized);
    await expectAdminError(fixture.access.authenticate('', 'c1'), 401, unauthorized);
    for (const header of ['Basic %%%', 'Basic', `Basic ${Buffer.from('nocolon').toString('base64')}`, `Basic ${'A'.repeat(16 * 1024)}`]) {
      await expectAdminError(fixture.access.authenticate(header, 'c1'), 400, 'messaging.config.beans.InvalidParameter');
    }
    await expectAdminError(fixture.access.authenticate('Digest username="admin"', 'c2'), 401, unauthorized);
    expect(hasher.verify).not.toHaveBeenCalled();
  });

  it('caches a verified credential for the TTL, and a password change ends the cached login at once', async () => {
    const hasher = createSpyHasher();
    const fixture = createAccessFixture({ hasher });
    await fixture.access.initialize();
    const admin = await fixture.admin();
    await fixture.access.createUser({ emailId: 'ann@example.com', password: 'first-password' }, admin);
    hasher.verify.mockClear();
    for (let i = 0; i < 5; i++) await fixture.access.authenticate(toBasic('ann@example.com', 'first-password'), 'c1');
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    fixture.advance(60_001);
    await fixture.access.authenticate(toBasic('ann@example.com', 'first-password'), 'c1');
    expect(hasher.verify).toHaveBeenCalledTimes(2);

    await fixture.access.updateUser('ann@example.com', { password: 'second-password' }, admin);
    await expectAdminError(fixture.access.authenticate(toBasic('ann@example.com', 'first-password'), 'c1'), 401);
    await fixture.access.authenticate(toBasic('ann@example.com', 'second-password'), 'c1');
    await fixture.access.deleteUser('ann@example.com', admin);
    await expectAdminError(fixture.access.authenticate(toBasic('ann@example.com', 'second-password'), 'c1'), 401);
  });
});

describe('authenticate: slowing repeated failures', () => {
  it('answers 429 after 10 failures a minute from one client, even with the right password, and recovers after the window', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    for (let i = 0; i < 10; i++) await expectAdminError(fixture.access.authenticate(toBasic(`user${i}@example.com`, 'x'), 'attacker'), 401);
    const limited = await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'attacker'), 429, tooMany);
    expect(limited.details).toEqual({ retryAfterSeconds: 60 });
    // Malformed headers count too, but the 429 comes before parsing.
    await expectAdminError(fixture.access.authenticate('Basic %%%', 'attacker'), 429);
    // Another client is unaffected.
    await fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'other-client');
    // …and its success does not reset the attacker's count.
    await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'attacker'), 429);
    fixture.advance(60_000);
    await fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'attacker');
  });

  it('limits one user after 10 failures from many clients, and a success elsewhere does not reset another client’s count', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    for (let i = 0; i < 9; i++) await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, 'wrong'), `ip-${i}`), 401);
    await expectAdminError(fixture.access.authenticate(toBasic('bob@example.com', 'x'), 'ip-0'), 401);
    await fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'ip-1');
    await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, 'wrong'), 'ip-9'), 401);
    await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'ip-10'), 429, tooMany);
    // Other users are not locked out by it.
    await expectAdminError(fixture.access.authenticate(toBasic('bob@example.com', 'x'), 'ip-10'), 401, unauthorized);
    fixture.advance(60_000);
    await fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'ip-10');
  });

  it('counts bad Bearer tokens against the client', async () => {
    const fixture = createAccessFixture({ service: { maxFailures: 2 } });
    await fixture.access.initialize();
    await expectAdminError(fixture.access.authenticate('Bearer baton_pat_nope', 'c1'), 401);
    await expectAdminError(fixture.access.authenticate(`Bearer baton_pat_${'A'.repeat(43)}`, 'c1'), 401);
    await expectAdminError(fixture.access.authenticate(toBasic(adminEmail, adminPassword), 'c1'), 429);
  });
});

describe('authenticate: Bearer', () => {
  it('accepts a live token, and rejects it once expired or revoked', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const ann = await fixture.userWith('ann@example.com', [['demo', 'user']]);
    const { token } = await fixture.access.createToken('ann@example.com', { name: 'ci', expiresInDays: 1 }, ann);
    const principal = await fixture.access.authenticate(`Bearer ${token}`, 'c1');
    expect(principal).toMatchObject({ user: 'ann@example.com', method: 'bearer', isAdmin: false });
    expect(principal.has('DEPLOY_UNDEPLOY', 'demo', 'test')).toBe(true);
    expect(principal.has('DEPLOY_UNDEPLOY', 'demo', 'prod')).toBe(false);

    fixture.advance(24 * 60 * 60 * 1000);
    await expectAdminError(fixture.access.authenticate(`Bearer ${token}`, 'c1'), 401, unauthorized);

    const second = await fixture.access.createToken('ann@example.com', { name: 'ci-2' }, ann);
    await fixture.access.authenticate(`Bearer ${second.token}`, 'c1');
    await fixture.access.revokeToken('ann@example.com', 'ci-2', ann);
    await expectAdminError(fixture.access.authenticate(`Bearer ${second.token}`, 'c1'), 401, unauthorized);
  });

  it('records lastUsedAt at most once a minute', async () => {
    const fixture = createAccessFixture();
    await fixture.access.initialize();
    const admin = await fixture.admin();
    const { token } = await fixture.access.createToken(adminEmail, { name: 'deploys' }, admin);
    expect(fixture.access.listTokens(adminEmail, admin)[0]?.lastUsedAt).toBeUndefined();
    await fixture.access.authenticate(`Bearer ${token}`, 'c1');
    const firstUse = fixture.now();
    fixture.advance(30_000);
    await fixture.access.authenticate(`Bearer ${token}`, 'c1');
    expect(fixture.access.listTokens(adminEmail, admin)[0]?.lastUsedAt).toBe(firstUse);
    fixture.advance(30_000);
    await fixture.access.authenticate(`Bearer ${token}`, 'c1');
    expect(fixture.access.listTokens(adminEmail, admin)[0]?.lastUsedAt).toBe(fixture.now());
  });
});
