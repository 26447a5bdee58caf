import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminError } from '../../../src/errors.js';
import { createKvmCipher, type KvmCipher } from '../../../src/kvms/create-kvm-cipher.js';
import { createKvmService } from '../../../src/kvms/create-kvm-service.js';
import type { KvmScope } from '../../../src/kvms/kvm-scope.js';
import { createFileStore } from '../../../src/store/create-file-store.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import { StoreError, type Store } from '../../../src/store/store.js';

const env: KvmScope = { kind: 'environment', organization: 'demo', environment: 'test' };
const org: KvmScope = { kind: 'organization', organization: 'demo' };
const key = randomBytes(32);

function countingCipher(inner: KvmCipher) {
  const counts = { decrypt: 0 };
  const cipher: KvmCipher = { encrypt: inner.encrypt, decrypt: (text, boundTo) => (counts.decrypt++, inner.decrypt(text, boundTo)) };
  return { cipher, counts };
}

async function rejected(promise: Promise<unknown>): Promise<AdminError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('createKvmService', () => {
  it('creates, reads, updates and deletes maps and entries per scope', async () => {
    const kvms = createKvmService({ store: createMemoryStore(), cipher: createKvmCipher(key), now: Date.now });
    await kvms.createMap(env, { name: 'config', encrypted: false, entries: [{ name: 'b', values: ['2'] }, { name: 'a', values: ['1'] }] });
    expect(kvms.listMaps(env)).toEqual(['config']);
    expect(kvms.listMaps(org)).toEqual([]);
    expect(kvms.getMap(env, 'config')).toEqual({ name: 'config', encrypted: false, entries: [{ name: 'a', values: ['1'] }, { name: 'b', values: ['2'] }] });
    await kvms.updateMap(env, 'config', [{ name: 'a', values: ['one'] }, { name: 'c', values: ['3'] }]);
    expect(kvms.getMap(env, 'config').entries.map((e) => `${e.name}=${e.values?.join(',')}`)).toEqual(['a=one', 'b=2', 'c=3']);
    await kvms.createEntry(env, 'config', { name: 'd', values: ['4'] });
    expect(kvms.getEntry(env, 'config', 'd')).toEqual({ name: 'd', values: ['4'] });
    expect(kvms.listKeys(env, 'config', { count: 2 })).toEqual(['a', 'b']);
    expect(kvms.listKeys(env, 'config', { startKey: 'b', count: 10 })).toEqual(['c', 'd']);
    expect(await kvms.deleteEntry(env, 'config', 'd')).toEqual({ name: 'd', values: ['4'] });
    expect((await kvms.deleteMap(env, 'config')).entries).toHaveLength(3);
    expect(kvms.listMaps(env)).toEqual([]);
  });

  it('answers Edge\'s errors for missing and duplicate maps and entries, and bad names', async () => {
    const kvms = createKvmService({ store: createMemoryStore(), cipher: createKvmCipher(key), now: Date.now });
    await kvms.createMap(env, { name: 'm', encrypted: false, entries: [{ name: 'k', values: ['v'] }] });
    expect((await rejected(kvms.createMap(env, { name: 'm', encrypted: false, entries: [] }))).code).toBe('keyvaluemap.service.keyvaluemap_already_exist');
    expect((await rejected(kvms.createMap(env, { name: 'a/b', encrypted: false, entries: [] }))).code).toBe('keyvaluemap.service.keyvaluemap_name_invalid');
    expect((await rejected(kvms.createEntry(env, 'm', { name: 'k', values: ['x'] }))).code).toBe('keyvaluemap.service.keyvaluemap_entry_already_exist');
    expect((await rejected(kvms.deleteEntry(env, 'm', 'nope'))).status).toBe(404);
    expect(() => kvms.getMap(org, 'm')).toThrow('KeyValueMap m does not exist in organization demo');
    expect(() => kvms.getEntry(env, 'm', 'nope')).toThrow('KeyValueMap m Entry=nope does not exist');
    expect((await rejected(kvms.createEntry(env, 'm', { name: 'x'.repeat(2049), values: ['v'] }))).code).toBe('messaging.config.beans.InvalidParameter');
  });

  it('keeps values of an encrypted map only as ciphertext in the store and never returns them to the management API', async () => {
    const store = createMemoryStore();
    const kvms = createKvmService({ store, cipher: createKvmCipher(key), now: Date.now });
    await kvms.createMap(env, { name: 'secrets', encrypted: true, entries: [{ name: 'password', values: ['s3cret-value'] }] });
    expect(JSON.stringify(store.list('kvm-entries'))).not.toContain('s3cret-value');
    expect(kvms.getMap(env, 'secrets').entries).toEqual([{ name: 'password' }]);
    expect(kvms.getEntry(env, 'secrets', 'password')).toEqual({ name: 'password' });
    expect(kvms.read(env, 'secrets', 'password', 0)).toEqual({ values: ['s3cret-value'], encrypted: true });
    // A ciphertext is bound to its entry: moved to another entry's record it does not open.
    const record = store.get<{ ciphertext: string }>('kvm-entries', 'environment/demo/test/secrets/password')!;
    expect(() => createKvmCipher(key).decrypt(record.ciphertext, 'environment/demo/test/secrets/other')).toThrow();
  });

  it('serves reads from a read cache for ExpiryTimeInSecs, dropped by any change made through the service', async () => {
    let now = 1_000;
    const { cipher, counts } = countingCipher(createKvmCipher(key));
    const kvms = createKvmService({ store: createMemoryStore(), cipher, now: () => now });
    await kvms.createMap(env, { name: 's', encrypted: true, entries: [{ name: 'k', values: ['v1'] }] });
    expect(kvms.read(env, 's', 'k', 10_000)?.values).toEqual(['v1']);
    expect(kvms.read(env, 's', 'k', 10_000)?.values).toEqual(['v1']);
    expect(counts.decrypt).toBe(1);
    now += 10_000;
    expect(kvms.read(env, 's', 'k', 10_000)?.values).toEqual(['v1']);
    expect(counts.decrypt).toBe(2);
    await kvms.updateEntry(env, 's', { name: 'k', values: ['v2'] });
    expect(kvms.read(env, 's', 'k', 10_000)?.values).toEqual(['v2']);
    await kvms.remove(env, 's', 'k');
    expect(kvms.read(env, 's', 'k', 10_000)).toBeUndefined();
  });

  it('applies nothing when the commit fails', async () => {
    const inner = createMemoryStore();
    let fail = false;
    const store: Store = { ...inner, commit: (ops) => (fail ? Promise.reject(new StoreError('io', 'disk error')) : inner.commit(ops)) };
    const kvms = createKvmService({ store, cipher: createKvmCipher(key), now: Date.now });
    await kvms.createMap(env, { name: 'm', encrypted: false, entries: [{ name: 'k', values: ['v'] }] });
    fail = true;
    await expect(kvms.put(env, 'm', { name: 'k', values: ['new'] }, { override: true })).rejects.toThrow('disk error');
    await expect(kvms.createMap(env, { name: 'n', encrypted: false, entries: [{ name: 'x', values: ['y'] }] })).rejects.toThrow('disk error');
    await expect(kvms.deleteMap(env, 'm')).rejects.toThrow('disk error');
    expect(kvms.read(env, 'm', 'k', 0)?.values).toEqual(['v']);
    expect(kvms.listMaps(env)).toEqual(['m']);
  });

  it('gives a policy Put its map on first use, honours override, and seeds InitialEntries only once', async () => {
    const kvms = createKvmService({ store: createMemoryStore(), cipher: createKvmCipher(key), now: Date.now });
    expect(await kvms.put(env, 'runtime', { name: 'k', values: ['a', 'b'] }, { override: false })).toBe(true);
    expect(kvms.getMap(env, 'runtime')).toEqual({ name: 'runtime', encrypted: false, entries: [{ name: 'k', values: ['a', 'b'] }] });
    expect(await kvms.put(env, 'runtime', { name: 'k', values: ['c'] }, { override: false })).toBe(false);
    expect(await kvms.put(env, 'runtime', { name: 'k', values: ['c'] }, { override: true })).toBe(true);
    await kvms.ensureMap(env, 'seeded', [{ name: 'k', values: ['initial'] }]);
    await kvms.updateEntry(env, 'seeded', { name: 'k', values: ['changed'] });
    await kvms.ensureMap(env, 'seeded', [{ name: 'k', values: ['initial'] }]);
    expect(kvms.read(env, 'seeded', 'k', 0)?.values).toEqual(['changed']);
  });

  it('is durable: a new service over the reopened file store reads every map, encrypted values included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-kvm-'));
    dirs.push(dir);
    const first = await createFileStore(dir);
    const kvms = createKvmService({ store: first, cipher: createKvmCipher(key), now: Date.now });
    await kvms.createMap(env, { name: 'secrets', encrypted: true, entries: [{ name: 'db', values: ['p@ss'] }] });
    await kvms.put(org, 'plain', { name: 'url', values: ['http://x'] }, { override: true });
    await first.close();
    const files = await readdir(dir);
    for (const file of files) expect((await readFile(join(dir, file)).catch(() => Buffer.alloc(0))).toString('latin1')).not.toContain('p@ss');

    const second = await createFileStore(dir);
    const reopened = createKvmService({ store: second, cipher: createKvmCipher(key), now: Date.now });
    expect(reopened.read(env, 'secrets', 'db', 0)).toEqual({ values: ['p@ss'], encrypted: true });
    expect(reopened.read(org, 'plain', 'url', 0)?.values).toEqual(['http://x']);
    expect(reopened.listMaps(env)).toEqual(['secrets']);
    await second.close();
  });
});
