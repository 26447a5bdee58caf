// Encrypted KVM entries and the master key: the check record is committed with the first encrypted entry, and a store sealed under another key is refused at start.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyVault } from '../../../src/developers/create-key-vault.js';
import { masterKeyCheckCollection, masterKeyCheckKey } from '../../../src/developers/developer-records.js';
import { assertMasterKeyMatches, toMasterKeyCheckOps } from '../../../src/developers/master-key-check.js';
import { ConfigError } from '../../../src/errors.js';
import { createKvmCipher } from '../../../src/kvms/create-kvm-cipher.js';
import { createKvmService } from '../../../src/kvms/create-kvm-service.js';
import type { KvmScope } from '../../../src/kvms/kvm-scope.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';

const env: KvmScope = { kind: 'environment', organization: 'demo', environment: 'test' };

function kvmsWith(store: ReturnType<typeof createMemoryStore>, masterKey: Buffer) {
  const vault = createKeyVault(masterKey);
  return createKvmService({ store, cipher: createKvmCipher(masterKey), now: Date.now, secretCommitOps: () => toMasterKeyCheckOps(store, vault), masterKeyMismatchMessage: 'mismatch: BATON_MASTER_KEY' });
}

describe('encrypted KVM entries and the master key check', () => {
  it('a plain map writes no check record; the first encrypted entry writes it in the same commit', async () => {
    const store = createMemoryStore();
    const masterKey = randomBytes(32);
    const kvms = kvmsWith(store, masterKey);
    await kvms.createMap(env, { name: 'plain', encrypted: false, entries: [{ name: 'a', values: ['1'] }] });
    expect(store.get(masterKeyCheckCollection, masterKeyCheckKey)).toBeUndefined();
    await kvms.createMap(env, { name: 'secrets', encrypted: true, entries: [{ name: 'pw', values: ['s3cret'] }] });
    expect(store.get(masterKeyCheckCollection, masterKeyCheckKey)).toBeDefined();
    expect(() => assertMasterKeyMatches(store, createKeyVault(masterKey))).not.toThrow();
    expect(() => assertMasterKeyMatches(store, createKeyVault(randomBytes(32)))).toThrow(/BATON_MASTER_KEY/);
  });

  it('a store holding encrypted entries but no check record (written before it existed) is refused under another key', async () => {
    const store = createMemoryStore();
    const masterKey = randomBytes(32);
    await createKvmService({ store, cipher: createKvmCipher(masterKey), now: Date.now })
      .createMap(env, { name: 'secrets', encrypted: true, entries: [{ name: 'pw', values: ['s3cret'] }] });
    expect(store.get(masterKeyCheckCollection, masterKeyCheckKey)).toBeUndefined();
    expect(() => kvmsWith(store, masterKey)).not.toThrow();
    expect(() => kvmsWith(store, randomBytes(32))).toThrow(ConfigError);
    expect(() => kvmsWith(store, randomBytes(32))).toThrow(/BATON_MASTER_KEY/);
  });
});
