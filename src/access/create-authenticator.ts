// Verifies Authorization headers: Basic (scrypt, briefly cached) and Bearer tokens; failed attempts are slowed per client and user.
import { AdminError } from '../errors.js';
import { toPrincipal, type AccessContext } from './access-context.js';
import { readUser, toUserKey } from './access-records.js';
import { createFailureLimiter } from './create-failure-limiter.js';
import { parseAuthorization } from './parse-authorization.js';
import { generatePassword } from './password-hasher.js';
import type { Principal } from './principal.js';
import { findTokenUser } from './token-operations.js';

export interface AuthenticatorOptions {
  /** Failures allowed per client address, and per user, within `windowMs`; further attempts get 429 until the oldest leaves the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

export interface Authenticator {
  authenticate(authorization: string | undefined, clientKey: string): Promise<Principal>;
  /** Computes the dummy hash ahead of the first login, so the first unknown-user attempt is not slower than the rest. */
  prepare(): Promise<void>;
}

/** Clients and users tracked at most by the failure limiter (least recently failed forgotten first). */
const maxTrackedKeys = 10_000;
/** Longer user names (no stored user can have one) share a bucket rather than grow memory. */
const maxUserKeyLength = 320;

export function createAuthenticator(context: AccessContext, options: AuthenticatorOptions): Authenticator {
  const limiter = createFailureLimiter({ ...options, maxKeys: maxTrackedKeys, now: context.now });
  let dummyHash: Promise<string> | undefined;
  const toDummyHash = (): Promise<string> => (dummyHash ??= context.hasher.hash(generatePassword()));

  const assertNotLimited = (limitKey: string): void => {
    const retryAfterMs = limiter.retryAfterMs(limitKey);
    if (retryAfterMs > 0) throw new AdminError('TooManyRequests', [], { details: { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } });
  };
  /** Counts the failure against every key; successes reset nothing, so one client's login never clears another's record. */
  const failure = (limitKeys: readonly string[], error: AdminError = new AdminError('Unauthorized')): AdminError => {
    for (const key of limitKeys) limiter.recordFailure(key);
    return error;
  };

  const authenticateBasic = async (user: string, password: string, clientLimitKey: string): Promise<Principal> => {
    const userKey = toUserKey(user);
    const userLimitKey = `user:${userKey.slice(0, maxUserKeyLength)}`;
    assertNotLimited(userLimitKey);
    const record = readUser(context.store, userKey);
    const cacheKey = context.credentialCache.toKey(userKey, password);
    const cached = context.credentialCache.get(cacheKey);
    if (record && cached?.userKey === userKey && cached.passwordHash === record.passwordHash) return toPrincipal(context, userKey, 'basic');
    // reliability-security §3.11, test 43: an unknown user is verified against a dummy hash, and the outcome is
    // decided only after the full scrypt and constant-time comparison, so both failures take the same path.
    const verified = await context.hasher.verify(password, record?.passwordHash ?? (await toDummyHash()));
    // A password changed or user deleted during the verification wins over the old credentials.
    const still = readUser(context.store, userKey);
    if (!record || !verified || still?.passwordHash !== record.passwordHash) throw failure([clientLimitKey, userLimitKey]);
    context.credentialCache.set(cacheKey, { userKey, passwordHash: record.passwordHash });
    return toPrincipal(context, userKey, 'basic');
  };

  return {
    async authenticate(authorization, clientKey) {
      // No credentials is not an attempt: a client's first unauthenticated call must not count against it.
      if (authorization === undefined || authorization.trim() === '') throw new AdminError('Unauthorized');
      const clientLimitKey = `client:${clientKey}`;
      assertNotLimited(clientLimitKey);
      let credentials: ReturnType<typeof parseAuthorization>;
      try {
        credentials = parseAuthorization(authorization);
      } catch (err) {
        throw failure([clientLimitKey], err as AdminError);
      }
      if (credentials.scheme === 'basic') return authenticateBasic(credentials.user, credentials.password, clientLimitKey);
      if (credentials.scheme === 'bearer') {
        const userKey = await findTokenUser(context, credentials.token);
        if (userKey === undefined) throw failure([clientLimitKey]);
        return toPrincipal(context, userKey, 'bearer');
      }
      throw failure([clientLimitKey]);
    },
    prepare: async () => void (await toDummyHash()),
  };
}
