// A Store with the file store's semantics and no disk, for unit tests of the modules built on top of it.
import { createStoreState, toCommittedOps } from './create-store-state.js';
import { assertRecordSize } from './journal-format.js';
import { sha256Hex } from './snapshot-format.js';
import { StoreError, type Store, type StoreOp } from './store.js';

export function createMemoryStore(): Store {
  const state = createStoreState();
  const blobs = new Map<string, Buffer>();
  let closed = false;
  // Commits still resolve asynchronously and in call order, like the file store's.
  let tail: Promise<void> = Promise.resolve();
  const assertOpen = (): void => {
    if (closed) throw new StoreError('closed', 'the store is closed');
  };

  return {
    get: <T>(collection: string, key: string) => state.get(collection, key) as T | undefined,
    list: <T>(collection: string, options?: { prefix?: string }) =>
      state.list(collection, options?.prefix) as Array<{ key: string; value: T }>,
    collections: () => [...state.collections()].map(([name]) => name),

    commit(ops: readonly StoreOp[]): Promise<void> {
      try {
        assertOpen();
        const committed = toCommittedOps(ops);
        assertRecordSize(committed);
        const applied = tail.then(() => state.apply(committed));
        tail = applied;
        return applied;
      } catch (err) {
        return Promise.reject(err);
      }
    },

    async putBlob(bytes: Uint8Array): Promise<string> {
      assertOpen();
      const copy = Buffer.from(bytes);
      const hash = sha256Hex(copy);
      if (!blobs.has(hash)) blobs.set(hash, copy);
      return hash;
    },

    async getBlob(sha256: string): Promise<Uint8Array> {
      assertOpen();
      const bytes = blobs.get(sha256);
      if (!bytes) throw new StoreError('not-found', `blob ${sha256} does not exist`);
      // A copy, so a caller cannot alter the stored blob.
      return Buffer.from(bytes);
    },

    hasBlob: (sha256: string) => blobs.has(sha256),
    health: () => ({ ok: true, problems: [] }),
    async close() {
      closed = true;
      await tail;
    },
  };
}
