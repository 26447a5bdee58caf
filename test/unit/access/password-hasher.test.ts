import { describe, expect, it } from 'vitest';
import { createPasswordHasher, defaultScryptParams, generatePassword, hashPassword, parsePasswordHash } from '../../../src/access/password-hasher.js';
import { cheapHasher } from './access-fixture.js';

describe('hashPassword and the scrypt$N$r$p$salt$key format', () => {
  it('uses N=2^15, r=8, p=1, a 16-byte salt and a 64-byte key by default, and verifies with the default hasher', async () => {
    const encoded = await hashPassword('correct horse battery staple');
    const parts = encoded.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5] ?? '', 'base64')).toHaveLength(64);
    const parsed = parsePasswordHash(encoded);
    expect(parsed?.params).toEqual(defaultScryptParams);
    const hasher = createPasswordHasher();
    expect(await hasher.verify('correct horse battery staple', encoded)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', encoded)).toBe(false);
  });

  it('salts: the same password hashes differently each time, and both verify', async () => {
    const [a, b] = await Promise.all([cheapHasher.hash('same'), cheapHasher.hash('same')]);
    expect(a).not.toBe(b);
    expect(await cheapHasher.verify('same', a)).toBe(true);
    expect(await cheapHasher.verify('same', b)).toBe(true);
  });

  it('verifies a hash with other (stronger) parameters than the hasher’s, and flags weaker ones for re-hashing', async () => {
    const strong = await hashPassword('pw', { cost: 2 ** 11, blockSize: 8, parallelization: 2 });
    expect(await cheapHasher.verify('pw', strong)).toBe(true);
    expect(cheapHasher.needsRehash(strong)).toBe(false);
    const weak = await cheapHasher.hash('pw');
    expect(createPasswordHasher().needsRehash(weak)).toBe(true);
  });

  it('normalizes passwords (NFKC), so composed and decomposed spellings match', async () => {
    const encoded = await cheapHasher.hash('caf\u00e9');
    expect(await cheapHasher.verify('cafe\u0301', encoded)).toBe(true);
  });

  it('rejects malformed hashes without throwing, and parsePasswordHash names none of them valid', async () => {
    const good = await cheapHasher.hash('pw');
    const [, n, r, p, salt, key] = good.split('$');
    const bad = [
      '',
      'pw',
      `bcrypt$${n}$${r}$${p}$${salt}$${key}`,
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // not a power of two
      `scrypt$${n}$${r}$${p}$${salt}$${Buffer.alloc(32).toString('base64')}`, // key not 64 bytes
      `scrypt$${n}$${r}$${p}$${Buffer.alloc(8).toString('base64')}$${key}`, // salt too short
      `scrypt$${n}$${r}$${p}$${salt}$${key}$extra`,
      `scrypt$${2 ** 24}$64$${p}$${salt}$${key}`, // gigabytes of memory
      `scrypt$${n}$${r}$${p}$%%%$${key}`,
    ];
    for (const encoded of bad) {
      expect(cheapHasher.isPasswordHash(encoded)).toBe(false);
      expect(await cheapHasher.verify('pw', encoded)).toBe(false);
    }
    expect(parsePasswordHash(good)).toBeUndefined(); // below the production minimum of 2^14
    expect(parsePasswordHash(good, 2 ** 10)).toBeDefined();
  });

  it('generates URL-safe administrator passwords of at least 20 characters', () => {
    const passwords = new Set(Array.from({ length: 20 }, generatePassword));
    expect(passwords.size).toBe(20);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });
});
