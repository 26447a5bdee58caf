// Salted slow password hashes (scrypt) in a self-describing text format, verified in constant time.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * The stored form of a password, also accepted as `users[].passwordHash` in the config:
 *
 *   scrypt$<N>$<r>$<p>$<salt>$<key>
 *
 * N (CPU/memory cost, a power of two, at least 2^14), r (block size, 1-32) and p (parallelization, 1-16) in
 * decimal; salt (16-64 bytes) and key (exactly 64 bytes) in base64 (RFC 4648 §4, padding optional). Example:
 *   scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$<88 base64 characters>
 * `hashPassword` below makes one (for a CLI to print). The parameters travel with the hash so they can
 * be raised later without invalidating existing hashes: an older hash still verifies with its own parameters.
 */
export interface ScryptParams {
  /** CPU/memory cost N, a power of two. */
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelization: number;
}

/** N=2^15, r=8, p=1: 32 MiB and roughly 50-150 ms per hash on a server core (OWASP's scrypt floor is N=2^17 at 128 MiB; 2^15 bounds the memory of concurrent logins). */
export const defaultScryptParams: ScryptParams = { cost: 2 ** 15, blockSize: 8, parallelization: 1 };

const algorithm = 'scrypt';
const saltBytes = 16;
const keyBytes = 64;
const minAcceptedCost = 2 ** 14;
/** 128·N·r bytes of scrypt memory: bounded so a hash from the config cannot ask for gigabytes. */
const maxMemoryBytes = 256 * 1024 * 1024;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

export interface ParsedPasswordHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

/** Parses the `scrypt$N$r$p$salt$key` format; undefined when `encoded` is not one (or its cost is below `minCost`). */
export function parsePasswordHash(encoded: string, minCost: number = minAcceptedCost): ParsedPasswordHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== algorithm) return undefined;
  const [cost, blockSize, parallelization] = parts.slice(1, 4).map(toDecimal);
  const salt = toBase64Bytes(parts[4] ?? '');
  const key = toBase64Bytes(parts[5] ?? '');
  if (cost === undefined || blockSize === undefined || parallelization === undefined || !salt || !key) return undefined;
  const params = { cost, blockSize, parallelization };
  if (!isAcceptedParams(params, minCost) || salt.length < saltBytes || salt.length > 64 || key.length !== keyBytes) return undefined;
  return { params, salt, key };
}

/** Hashes `password` with a fresh random salt into the format above (for the store, or for a CLI to print). */
export async function hashPassword(password: string, params: ScryptParams = defaultScryptParams): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await deriveKey(password, salt, params);
  return [algorithm, params.cost, params.blockSize, params.parallelization, salt.toString('base64'), key.toString('base64')].join('$');
}

/** A generated administrator password: 30 random bytes in base64url (40 URL-safe characters). */
export function generatePassword(): string {
  return randomBytes(30).toString('base64url');
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `encoded`. Always runs one full scrypt and one `timingSafeEqual` over 64-byte
   * keys, also for an unparsable `encoded` (then against a throwaway key), so callers can pass a dummy hash for
   * unknown users and take the same time (reliability-security §3.11, test 43).
   */
  verify(password: string, encoded: string): Promise<boolean>;
  /** True when `encoded` was made with weaker parameters than this hasher's (re-hash when the password is at hand). */
  needsRehash(encoded: string): boolean;
  /** True when `encoded` is in the accepted format (for validating a configured `passwordHash`). */
  isPasswordHash(encoded: string): boolean;
}

/** `params` defaults to N=2^15; tests pass a small cost, which also lowers the accepted minimum to it. */
export function createPasswordHasher(params: ScryptParams = defaultScryptParams): PasswordHasher {
  const minCost = Math.min(params.cost, minAcceptedCost);
  return {
    hash: (password) => hashPassword(password, params),
    async verify(password, encoded) {
      const parsed = parsePasswordHash(encoded, minCost);
      const expected = parsed?.key ?? Buffer.alloc(keyBytes);
      const actual = await deriveKey(password, parsed?.salt ?? randomBytes(saltBytes), parsed?.params ?? params);
      const equal = timingSafeEqual(actual, expected);
      return equal && parsed !== undefined;
    },
    needsRehash(encoded) {
      const parsed = parsePasswordHash(encoded, minCost);
      return !parsed || parsed.params.cost < params.cost || parsed.params.blockSize < params.blockSize;
    },
    isPasswordHash: (encoded) => parsePasswordHash(encoded, minCost) !== undefined,
  };
}

function deriveKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const { cost: N, blockSize: r, parallelization: p } = params;
  // NIST SP 800-63B §5.1.1.2: normalize so one password typed on different systems hashes the same.
  const normalized = password.normalize('NFKC');
  // OpenSSL needs 128·r·(N + p + 2) bytes; Node's default maxmem (32 MiB) is exactly too small for N=2^15, r=8.
  const maxmem = 128 * r * (N + p + 2) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(normalized, salt, keyBytes, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function isAcceptedParams(params: ScryptParams, minCost: number): boolean {
  const { cost, blockSize, parallelization } = params;
  const isPowerOfTwo = Number.isInteger(Math.log2(cost));
  return isPowerOfTwo && cost >= minCost && blockSize >= 1 && blockSize <= 32 && parallelization >= 1 && parallelization <= 16 && 128 * cost * blockSize <= maxMemoryBytes;
}

function toDecimal(text: string | undefined): number | undefined {
  return text !== undefined && /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : undefined;
}

function toBase64Bytes(text: string): Buffer | undefined {
  return base64Pattern.test(text) && text.length % 4 !== 1 ? Buffer.from(text, 'base64') : undefined;
}
