// Start-up seeding: the config's users and their roles, and the administrator's password (configured, or generated once).
import { globalAuditOrganization } from '../audit/audit-log.js';
import type { BatonConfig, UserConfig } from '../config.js';
import { joinPath } from '../config/config-reader.js';
import { ConfigError } from '../errors.js';
import type { StoreOp } from '../store/store.js';
import type { AccessContext } from './access-context.js';
import { membersCollection, readRoleGrants, readUser, toMemberKey, toUserKey, usersCollection, type MemberRecord, type UserRecord } from './access-records.js';
import { generatePassword } from './password-hasher.js';

interface SeedEvent {
  readonly operation: string;
  readonly target: string;
}

/**
 * The config is declarative and applied on every start: a configured user deleted through the API comes back,
 * a changed password or passwordHash replaces the stored one, and configured roles are granted again (roles
 * granted through the API are kept). The administrator's password comes from BATON_ADMIN_PASSWORD or
 * `admin.password` (re-hashed when it no longer matches); without one, a password is generated the first time
 * only and returned for the caller to print once. All changes are one atomic commit, then audited as `baton`.
 * Throws ConfigError for an invalid passwordHash or a role that does not exist (built-in or created earlier).
 */
export async function seedAccess(context: AccessContext, config: Pick<BatonConfig, 'admin' | 'users'>): Promise<{ generatedAdminPassword: string | undefined }> {
  return context.withLock(async () => {
    const { store, hasher } = context;
    const problems: string[] = [];
    const events: SeedEvent[] = [];
    const changedUsers = new Map<string, UserRecord>();
    const members = new Map<string, MemberRecord>();
    const at = context.now();
    const current = (userKey: string): UserRecord | undefined => changedUsers.get(userKey) ?? readUser(store, userKey);
    const setPassword = (userKey: string, emailId: string, passwordHash: string, names?: Pick<UserConfig, 'firstName' | 'lastName'>): void => {
      const existing = current(userKey);
      const firstName = names?.firstName ?? existing?.firstName ?? '';
      const lastName = names?.lastName ?? existing?.lastName ?? '';
      if (existing && existing.passwordHash === passwordHash && existing.firstName === firstName && existing.lastName === lastName) return;
      changedUsers.set(userKey, { emailId, firstName, lastName, passwordHash, createdAt: existing?.createdAt ?? at, lastModifiedAt: at });
      events.push({ operation: existing ? 'update-user' : 'create-user', target: `users/${emailId}` });
    };

    // scrypt runs are independent: let libuv's pool run them side by side.
    const hashes = await Promise.all(config.users.map((user) => toConfiguredHash(context, user, readUser(store, toUserKey(user.email))?.passwordHash)));
    config.users.forEach((user, index) => {
      const path = joinPath('users', user.email);
      const userKey = toUserKey(user.email);
      const passwordHash = hashes[index];
      if (passwordHash === undefined) {
        problems.push(`${path}.passwordHash: expected scrypt$N$r$p$salt$key (see src/access/password-hasher.ts)`);
        return;
      }
      setPassword(userKey, user.email, passwordHash, user);
      user.roles.forEach(({ org, role }, roleIndex) => {
        if (!readRoleGrants(store, org, role)) {
          problems.push(`${path}.roles[${roleIndex}].role: no role named ${JSON.stringify(role)} in organization ${JSON.stringify(org)}`);
          return;
        }
        const key = toMemberKey(userKey, org, role);
        if (store.get(membersCollection, key) || members.has(key)) return;
        members.set(key, { user: userKey, organization: org, role });
        events.push({ operation: 'add-user-role', target: `organizations/${org}/userroles/${role}/users/${user.email}` });
      });
    });
    if (problems.length > 0) throw new ConfigError(problems);

    let generatedAdminPassword: string | undefined;
    const admin = current(context.adminKey);
    const configuredPassword = config.admin.password;
    if (configuredPassword !== undefined) {
      const matches = admin !== undefined && !hasher.needsRehash(admin.passwordHash) && (await hasher.verify(configuredPassword, admin.passwordHash));
      if (!matches) setPassword(context.adminKey, admin?.emailId ?? config.admin.user, await hasher.hash(configuredPassword));
    } else if (!admin) {
      generatedAdminPassword = generatePassword();
      setPassword(context.adminKey, config.admin.user, await hasher.hash(generatedAdminPassword));
      events.push({ operation: 'generate-admin-password', target: `users/${config.admin.user}` });
    }

    const ops: StoreOp[] = [
      ...[...changedUsers].map(([key, value]) => ({ collection: usersCollection, key, value })),
      ...[...members].map(([key, value]) => ({ collection: membersCollection, key, value })),
    ];
    if (ops.length > 0) await store.commit(ops);
    for (const userKey of changedUsers.keys()) context.credentialCache.forgetUser(userKey);
    for (const event of events) {
      await context.audit.record({ organization: globalAuditOrganization, user: 'baton', operation: event.operation, target: event.target, result: 'success' });
    }
    return { generatedAdminPassword };
  });
}

/** The hash to store for a configured user: the configured passwordHash, the stored one while the configured password still matches it, else a new one. Undefined for an invalid passwordHash. */
async function toConfiguredHash(context: AccessContext, user: UserConfig, storedHash: string | undefined): Promise<string | undefined> {
  if (user.passwordHash !== undefined) return context.hasher.isPasswordHash(user.passwordHash) ? user.passwordHash : undefined;
  const password = user.password ?? '';
  if (storedHash !== undefined && !context.hasher.needsRehash(storedHash) && (await context.hasher.verify(password, storedHash))) return storedHash;
  return context.hasher.hash(password);
}
