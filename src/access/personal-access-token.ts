// The personal access token format: a recognizable prefix plus 256 random bits; only its sha-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

/** The prefix lets secret scanners (and people) recognize a leaked Baton token. */
export const tokenPrefix = 'baton_pat_';
const tokenPattern = /^baton_pat_[A-Za-z0-9_-]{43}$/;

/** `baton_pat_` + 32 random bytes in base64url (43 characters). */
export function generateTokenSecret(): string {
  return tokenPrefix + randomBytes(32).toString('base64url');
}

export function isTokenSyntax(value: string): boolean {
  return tokenPattern.test(value);
}

/**
 * The store key of a token. An unsalted fast hash is enough here, unlike passwords: the token has 256 bits of
 * entropy, so its digest cannot be reversed by guessing, and lookup by digest keeps Bearer checks fast.
 */
export function toTokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
