// Remembers recently verified Basic credentials for a short time, keyed by an HMAC, so scrypt runs once per TTL.
import { createHmac, randomBytes } from 'node:crypto';

/**
 * Why: scrypt costs tens of milliseconds by design, and a deploy script calls many endpoints with the same
 * Basic credentials; without a cache each call pays a full scrypt (and a burst of them queues on libuv's
 * four threads).
 * Tradeoff: for `ttlMs` after a successful login, the same credentials skip scrypt. Entries hold only an
 * HMAC-SHA256 of user and password under a key that exists only in this process's memory (never the password,
 * never a fast unkeyed hash that could be brute-forced from a heap dump without the key), and the stored hash
 * they were verified against: a password change or deletion no longer matches it, and `forgetUser` drops the
 * user's entries at once. Only successes are cached, so a wrong password always pays full price; a hit is
 * faster than a miss, which reveals nothing an attacker without the password can use.
 */
export interface CredentialCache {
  /** The cache key of a credential pair. */
  toKey(user: string, password: string): string;
  /** The user key and password hash the credential was verified against, if still fresh. */
  get(key: string): CachedLogin | undefined;
  set(key: string, login: CachedLogin): void;
  forgetUser(userKey: string): void;
}

export interface CachedLogin {
  readonly userKey: string;
  readonly passwordHash: string;
}

export interface CredentialCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly now: () => number;
}

export function createCredentialCache(options: CredentialCacheOptions): CredentialCache {
  const { ttlMs, maxEntries, now } = options;
  const secret = randomBytes(32);
  const entries = new Map<string, CachedLogin & { expiresAtMs: number }>();
  return {
    // Length-prefixed so ("a:b", "c") and ("a", "b:c") differ.
    toKey: (user, password) => createHmac('sha256', secret).update(`${user.length}:${user}:${password}`).digest('base64url'),
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAtMs <= now()) {
        entries.delete(key);
        return undefined;
      }
      return { userKey: entry.userKey, passwordHash: entry.passwordHash };
    },
    set(key, login) {
      entries.delete(key);
      entries.set(key, { ...login, expiresAtMs: now() + ttlMs });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    forgetUser(userKey) {
      for (const [key, entry] of entries) if (entry.userKey === userKey) entries.delete(key);
    },
  };
}
