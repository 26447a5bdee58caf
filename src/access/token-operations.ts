// Personal access tokens: create (secret shown once), list (no secrets), revoke; and the lookup Bearer logins use.
import { globalAuditOrganization } from '../audit/audit-log.js';
import { AdminError } from '../errors.js';
import { assertMayManageUser, runAudited, type AccessContext } from './access-context.js';
import { assertAccessName, invalid, toExpiresInDays, toShownName } from './access-input.js';
import { compareText, readUser, tokensCollection, toUserKey, type TokenRecord } from './access-records.js';
import type { AccessService, NewToken, TokenView } from './access-service.js';
import { generateTokenSecret, isTokenSyntax, toTokenDigest } from './personal-access-token.js';
import type { Principal } from './principal.js';

export type TokenOperations = Pick<AccessService, 'createToken' | 'listTokens' | 'revokeToken'>;

const dayMs = 24 * 60 * 60 * 1000;
/** Bounds what one account can make the store hold. */
const maxTokensPerUser = 100;
/** lastUsedAt costs a durable write, so it is refreshed at most this often per token. */
const lastUsedResolutionMs = 60_000;

export function createTokenOperations(context: AccessContext): TokenOperations {
  const { store } = context;
  const audited = <T>(by: Principal, operation: string, email: unknown, name: unknown, task: () => Promise<T>): Promise<T> =>
    runAudited(context, by, { operation, organization: globalAuditOrganization, target: `users/${toShownName(email)}/tokens/${toShownName(name)}` }, task);

  return {
    createToken(email: string, input: NewToken, by: Principal) {
      return audited(by, 'create-token', email, input?.name, async () => {
        const userKey = toUserKey(String(email));
        assertMayManageUser(context, by, userKey);
        if (typeof input !== 'object' || input === null) throw invalid('expected an object of name and expiresInDays');
        const { name } = input;
        assertAccessName(name, 'name');
        const expiresInDays = toExpiresInDays(input.expiresInDays);
        return context.withLock(async () => {
          if (!readUser(store, userKey)) throw new AdminError('UserDoesNotExist', [toShownName(email)]);
          const owned = listUserTokens(context, userKey);
          if (owned.some((token) => token.name === name)) throw new AdminError('TokenAlreadyExists', [name, toShownName(email)]);
          if (owned.length >= maxTokensPerUser) throw invalid(`a user may hold at most ${maxTokensPerUser} tokens; revoke one first`);
          const token = generateTokenSecret();
          const createdAt = context.now();
          const record: TokenRecord = { user: userKey, name, createdAt, expiresAt: createdAt + expiresInDays * dayMs };
          await store.commit([{ collection: tokensCollection, key: toTokenDigest(token), value: record }]);
          return { name, token, expiresAt: record.expiresAt };
        });
      });
    },

    listTokens(email, by) {
      const userKey = toUserKey(String(email));
      assertMayManageUser(context, by, userKey);
      if (!readUser(store, userKey)) throw new AdminError('UserDoesNotExist', [toShownName(email)]);
      return listUserTokens(context, userKey).map(({ name, createdAt, expiresAt, lastUsedAt }): TokenView => ({
        name,
        createdAt,
        expiresAt,
        ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
      }));
    },

    revokeToken(email, name, by) {
      return audited(by, 'revoke-token', email, name, async () => {
        const userKey = toUserKey(String(email));
        assertMayManageUser(context, by, userKey);
        await context.withLock(async () => {
          const found = store.list<TokenRecord>(tokensCollection).find(({ value }) => value.user === userKey && value.name === name);
          if (!found) throw new AdminError('TokenDoesNotExist', [toShownName(name), toShownName(email)]);
          await store.commit([{ collection: tokensCollection, key: found.key, value: null }]);
        });
      });
    },
  };
}

/** The user's tokens, sorted by name. */
function listUserTokens(context: AccessContext, userKey: string): TokenRecord[] {
  return context.store
    .list<TokenRecord>(tokensCollection)
    .filter(({ value }) => value.user === userKey)
    .map(({ value }) => value)
    .sort((a, b) => compareText(a.name, b.name));
}

/**
 * The user key a Bearer token authenticates, or undefined when it is unknown, revoked, expired or its user is
 * gone. Refreshes lastUsedAt (under the lock, re-reading the record so a concurrent revoke is not undone).
 */
export async function findTokenUser(context: AccessContext, token: string): Promise<string | undefined> {
  if (!isTokenSyntax(token)) return undefined;
  const digest = toTokenDigest(token);
  const record = context.store.get<TokenRecord>(tokensCollection, digest);
  const at = context.now();
  if (!record || record.expiresAt <= at || !readUser(context.store, record.user)) return undefined;
  if (record.lastUsedAt === undefined || at - record.lastUsedAt >= lastUsedResolutionMs) {
    // Best-effort: a store that cannot take the write must not turn a valid token into a failed login.
    await context
      .withLock(async () => {
        const current = context.store.get<TokenRecord>(tokensCollection, digest);
        if (current) await context.store.commit([{ collection: tokensCollection, key: digest, value: { ...current, lastUsedAt: at } }]);
      })
      .catch(() => undefined);
    // Revoked while waiting for the lock: the revocation wins.
    if (!context.store.get(tokensCollection, digest)) return undefined;
  }
  return record.user;
}
