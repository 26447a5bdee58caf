import { describe, expect, it } from 'vitest';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createFileStore } from '../../../src/store/create-file-store.js';
import { describeStoreContract } from './store-contract.js';
import { listTempFiles, useTempDirs } from './temp-store-dir.js';

const newDir = useTempDirs();

describeStoreContract('file store', async () => createFileStore(await newDir()));

describe('createFileStore', () => {
  it('keeps records, deletes and blobs across a reopen', async () => {
    const dir = await newDir();
    const store = await createFileStore(dir);
    await store.commit([
      { collection: 'revisions', key: 'p/1', value: { sha: 'a' } },
      { collection: 'revisions', key: 'p/2', value: { sha: 'b' } },
      { collection: '__proto__', key: '__proto__', value: { ok: true } },
    ]);
    await store.commit([{ collection: 'revisions', key: 'p/1', value: null }]);
    const hash = await store.putBlob(Buffer.from('zip'));
    await store.close();

    const reopened = await createFileStore(dir);
    expect(reopened.list('revisions')).toEqual([{ key: 'p/2', value: { sha: 'b' } }]);
    expect(reopened.get('__proto__', '__proto__')).toEqual({ ok: true });
    expect(reopened.hasBlob(hash)).toBe(true);
    expect(Buffer.from(await reopened.getBlob(hash)).toString()).toBe('zip');
    expect(reopened.health()).toEqual({ ok: true, problems: [] });
    await reopened.close();
  });

  it('compacts the journal into a snapshot and reopens from both', async () => {
    const dir = await newDir();
    const store = await createFileStore(dir, { compactAfterBytes: 1024 });
    for (let i = 0; i < 100; i++) {
      await store.commit([
        { collection: 'items', key: `k${String(i).padStart(3, '0')}`, value: { i, pad: 'x'.repeat(20) } },
        ...(i % 3 === 0 && i > 0 ? [{ collection: 'items', key: `k${String(i - 1).padStart(3, '0')}`, value: null }] : []),
      ]);
    }
    const expected = store.list('items');
    // An empty commit resolves after any compaction queued behind the last one.
    await store.commit([]);
    expect((await stat(join(dir, 'journal.log'))).size).toBeLessThan(1024 + 200);
    expect((await stat(join(dir, 'snapshot.json'))).size).toBeGreaterThan(0);
    await store.close();

    const reopened = await createFileStore(dir, { compactAfterBytes: 1024 });
    expect(reopened.list('items')).toEqual(expected);
    expect(expected).toHaveLength(67);
    expect(reopened.health().ok).toBe(true);
    await reopened.commit([{ collection: 'items', key: 'after', value: 1 }]);
    await reopened.close();
    const again = await createFileStore(dir);
    expect(again.get('items', 'after')).toBe(1);
    expect(again.list('items')).toHaveLength(68);
    await again.close();
  });

  it('writes concurrent commits in call order across a reopen', async () => {
    const dir = await newDir();
    const store = await createFileStore(dir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.commit([{ collection: 'c', key: 'k', value: i }])));
    await store.close();
    const reopened = await createFileStore(dir);
    expect(reopened.get('c', 'k')).toBe(49);
    await reopened.close();
  });

  it('detects a corrupt blob, reports it and lets the same bytes repair it', async () => {
    const dir = await newDir();
    const store = await createFileStore(dir);
    const hash = await store.putBlob(Buffer.from('original bundle'));
    const path = join(dir, 'blobs', hash);
    const bytes = await readFile(path);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(path, bytes);
    await expect(store.getBlob(hash)).rejects.toMatchObject({ name: 'StoreError', code: 'corrupt' });
    expect(store.hasBlob(hash)).toBe(false);
    expect(store.health().ok).toBe(false);
    expect(store.health().problems.join()).toContain(hash);
    expect(await store.putBlob(Buffer.from('original bundle'))).toBe(hash);
    expect(Buffer.from(await store.getBlob(hash)).toString()).toBe('original bundle');
    await store.close();
  });

  it('rejects a malformed blob name', async () => {
    const store = await createFileStore(await newDir());
    await expect(store.getBlob('../journal.log')).rejects.toMatchObject({ code: 'invalid' });
    await store.close();
  });

  it('writes one file per blob and leaves no temp files', async () => {
    const dir = await newDir();
    const store = await createFileStore(dir);
    const hashes = await Promise.all([store.putBlob(Buffer.from('a')), store.putBlob(Buffer.from('a')), store.putBlob(Buffer.from('b'))]);
    expect(hashes[0]).toBe(hashes[1]);
    expect((await readdir(join(dir, 'blobs'))).sort()).toEqual([hashes[0], hashes[2]].sort());
    expect(await listTempFiles(dir)).toEqual([]);
    await store.close();
  });
});

describe('createFileStore directory lock', () => {
  it('refuses a second open of the same directory until the first closes', async () => {
    const dir = await newDir();
    const first = await createFileStore(dir);
    await expect(createFileStore(dir)).rejects.toMatchObject({ name: 'StoreError', code: 'locked' });
    await first.close();
    const second = await createFileStore(dir);
    await second.close();
  });

  it('breaks a lock left by a process that no longer exists', async () => {
    const dir = await newDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const { hostname } = await import('node:os');
    await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), token: 'old' }));
    const store = await createFileStore(dir);
    await store.close();
  });

  it('treats an empty LOCK (left by a power loss) as stale', async () => {
    const dir = await newDir();
    await writeFile(join(dir, 'LOCK'), '');
    const store = await createFileStore(dir);
    await store.close();
  });
});
