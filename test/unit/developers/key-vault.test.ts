// Consumer keys and secrets are sealed with AES-256-GCM and indexed by HMAC under subkeys of the master key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyVault } from '../../../src/developers/create-key-vault.js';

describe('the key vault', () => {
  const masterKey = randomBytes(32);
  const vault = createKeyVault(masterKey);

  it('opens what it sealed, and the sealed text does not contain the plaintext', () => {
    const sealed = vault.seal('s3cret-consumer-key', 'key:abc');
    expect(sealed).not.toContain('s3cret');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(vault.open(sealed, 'key:abc')).toBe('s3cret-consumer-key');
    // A fresh IV per seal: the same plaintext never seals to the same text.
    expect(vault.seal('s3cret-consumer-key', 'key:abc')).not.toBe(sealed);
  });

  it('refuses another context, another master key, altered ciphertext and truncated tags', () => {
    const sealed = vault.seal('value', 'secret:1');
    expect(() => vault.open(sealed, 'secret:2')).toThrow(/does not open/);
    expect(() => createKeyVault(randomBytes(32)).open(sealed, 'secret:1')).toThrow(/does not open/);
    const [version, iv, encrypted, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(encrypted, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => vault.open([version, iv, flipped.toString('base64url'), tag].join('.'), 'secret:1')).toThrow(/does not open/);
    const shortTag = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => vault.open([version, iv, encrypted, shortTag].join('.'), 'secret:1')).toThrow(/does not open/);
    expect(() => vault.open('garbage', 'secret:1')).toThrow(/not a sealed value/);
  });

  it('indexes a key by a keyed hash: stable under one master key, unrelated under another, never the key', () => {
    const index = vault.toKeyIndex('my-key');
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(vault.toKeyIndex('my-key')).toBe(index);
    expect(createKeyVault(masterKey).toKeyIndex('my-key')).toBe(index);
    expect(createKeyVault(randomBytes(32)).toKeyIndex('my-key')).not.toBe(index);
    expect(vault.toKeyRef('my-key')).toBe(`key-${index.slice(0, 12)}`);
  });
});
