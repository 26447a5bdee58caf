import { describe, expect, it } from 'vitest';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileStore } from '../../../src/store/create-file-store.js';
import { listTempFiles, useTempDirs } from './temp-store-dir.js';

const newDir = useTempDirs();

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/** A failpoint that throws `code` at `name` while `armed.on` is true. */
function failAt(name: string, code: string): { armed: { on: boolean }; failpoint: (point: string) => void } {
  const armed = { on: true };
  return {
    armed,
    failpoint: (point) => {
      if (armed.on && point === name) throw errnoError(code);
    },
  };
}

describe('file store write failures', () => {
  it('fails the commit and stops the store when the journal fsync fails (fsyncgate)', async () => {
    const dir = await newDir();
    const { failpoint, armed } = failAt('journal:after-append', 'EIO');
    armed.on = false;
    const store = await createFileStore(dir, { failpoint });
    await store.commit([{ collection: 'c', key: 'before', value: 1 }]);
    armed.on = true;
    await expect(store.commit([{ collection: 'c', key: 'k', value: 1 }, { collection: 'c', key: 'k2', value: 2 }])).rejects.toMatchObject({
      name: 'StoreError',
      code: 'fsync-failed',
    });
    expect(store.get('c', 'k')).toBeUndefined();
    expect(store.get('c', 'k2')).toBeUndefined();
    armed.on = false;
    // Even once fsync "works" again, nothing more is acknowledged until a reopen.
    await expect(store.commit([{ collection: 'c', key: 'later', value: 1 }])).rejects.toMatchObject({ code: 'failed' });
    await expect(store.putBlob(Buffer.from('x'))).rejects.toMatchObject({ code: 'failed' });
    expect(store.get('c', 'later')).toBeUndefined();
    expect(store.health().ok).toBe(false);
    expect(store.health().problems.join()).toMatch(/journal fsync failed/);
    await store.close();

    const reopened = await createFileStore(dir);
    expect(reopened.get('c', 'before')).toBe(1);
    expect(reopened.get('c', 'later')).toBeUndefined();
    // The unacknowledged commit reached the file before the fsync "failed": all of it or none of it may show.
    expect([0, 2]).toContain(['k', 'k2'].filter((key) => reopened.get('c', key) !== undefined).length);
    await reopened.commit([{ collection: 'c', key: 'after-reopen', value: 1 }]);
    await reopened.close();
  });

  it('fails every commit of a group written with one failed fsync', async () => {
    const { failpoint } = failAt('journal:after-append', 'EIO');
    const store = await createFileStore(await newDir(), { failpoint });
    const results = await Promise.allSettled([1, 2, 3].map((i) => store.commit([{ collection: 'c', key: `k${i}`, value: i }])));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(store.list('c')).toEqual([]);
    await store.close();
  });

  it('stops the store when a durable append cannot be confirmed', async () => {
    const { failpoint } = failAt('journal:after-fsync', 'EIO');
    const store = await createFileStore(await newDir(), { failpoint });
    await expect(store.commit([{ collection: 'c', key: 'k', value: 1 }])).rejects.toMatchObject({ code: 'failed' });
    expect(store.get('c', 'k')).toBeUndefined();
    await store.close();
  });

  it('cuts a failed append (disk full) back and keeps accepting commits', async () => {
    const dir = await newDir();
    const { failpoint, armed } = failAt('journal:before-append', 'ENOSPC');
    armed.on = false;
    const store = await createFileStore(dir, { failpoint });
    await store.commit([{ collection: 'c', key: 'before', value: 1 }]);
    const sizeBefore = (await stat(join(dir, 'journal.log'))).size;
    armed.on = true;
    await expect(store.commit([{ collection: 'c', key: 'k', value: 1 }])).rejects.toMatchObject({ code: 'no-space' });
    expect(store.get('c', 'k')).toBeUndefined();
    expect((await stat(join(dir, 'journal.log'))).size).toBe(sizeBefore);
    armed.on = false;
    await store.commit([{ collection: 'c', key: 'after', value: 1 }]);
    expect(store.health().ok).toBe(true);
    await store.close();

    const reopened = await createFileStore(dir);
    expect(reopened.list('c').map((r) => r.key)).toEqual(['after', 'before']);
    expect(reopened.health()).toEqual({ ok: true, problems: [] });
    await reopened.close();
  });

  it('discards a blob whose write fails for lack of space and stores it once space is back', async () => {
    const dir = await newDir();
    const { failpoint, armed } = failAt('blob:after-temp-write', 'ENOSPC');
    const store = await createFileStore(dir, { failpoint });
    const bytes = Buffer.alloc(100_000, 7);
    await expect(store.putBlob(bytes)).rejects.toMatchObject({ name: 'StoreError', code: 'no-space' });
    expect(await readdir(join(dir, 'blobs'))).toEqual([]);
    armed.on = false;
    const hash = await store.putBlob(bytes);
    expect(store.hasBlob(hash)).toBe(true);
    expect(store.health().ok).toBe(true);
    await store.close();
  });

  it('stops the store when the blobs directory fsync fails, and leaves no blob file behind', async () => {
    const dir = await newDir();
    const { failpoint } = failAt('blob:after-rename', 'EIO');
    const store = await createFileStore(dir, { failpoint });
    await expect(store.putBlob(Buffer.from('x'))).rejects.toMatchObject({ code: 'fsync-failed' });
    expect(await readdir(join(dir, 'blobs'))).toEqual([]);
    await expect(store.commit([{ collection: 'c', key: 'k', value: 1 }])).rejects.toMatchObject({ code: 'failed' });
    await store.close();
  });

  it('keeps the journal and accepting commits when a compaction cannot write its snapshot', async () => {
    const dir = await newDir();
    const { failpoint, armed } = failAt('snapshot:after-temp-write', 'ENOSPC');
    const store = await createFileStore(dir, { failpoint, compactAfterBytes: 300 });
    for (let i = 0; i < 20; i++) await store.commit([{ collection: 'c', key: `k${i}`, value: { i } }]);
    // An empty commit resolves after the compaction queued behind the last one.
    await store.commit([]);
    expect(store.health().ok).toBe(true);
    expect((await readdir(dir)).includes('snapshot.json')).toBe(false);
    expect(await listTempFiles(dir)).toEqual([]);
    armed.on = false;
    for (let i = 20; i < 40; i++) await store.commit([{ collection: 'c', key: `k${i}`, value: { i } }]);
    await store.commit([]);
    expect((await readdir(dir)).includes('snapshot.json')).toBe(true);
    await store.close();

    const reopened = await createFileStore(dir);
    expect(reopened.list('c')).toHaveLength(40);
    await reopened.close();
  });

  it('stops the store when the journal cannot be cut after a compaction', async () => {
    const dir = await newDir();
    const { failpoint } = failAt('journal:after-truncate', 'EIO');
    const store = await createFileStore(dir, { failpoint, compactAfterBytes: 200 });
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      const ok = await store.commit([{ collection: 'c', key: `k${i}`, value: { i } }]).then(
        () => true,
        () => false,
      );
      if (ok) acknowledged.push(`k${i}`);
    }
    expect(store.health().ok).toBe(false);
    await store.close();
    const reopened = await createFileStore(dir);
    expect(reopened.list('c').map((r) => r.key).sort()).toEqual(acknowledged.sort());
    await reopened.close();
  });
});
