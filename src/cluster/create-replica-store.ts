// A worker's read replica of the primary's store: records from a snapshot plus every op batch since; blobs read from the shared directory.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStoreState, toCommittedOps } from '../store/create-store-state.js';
import { sha256Hex } from '../store/snapshot-format.js';
import { StoreError, type Store, type StoreOp } from '../store/store.js';
import type { OpBatch, StoreSnapshot } from './store-replication.js';

export interface ReplicaStoreOptions {
  readonly snapshot: StoreSnapshot;
  /** The primary store's blob directory: blobs are immutable and content-addressed, so workers read the files. */
  readonly blobsDir: string;
  /** Commits on the primary; resolves with the sequence number of the batch (0 for an empty commit). */
  readonly forwardCommit: (ops: readonly StoreOp[]) => Promise<number>;
}

export interface ReplicaStore extends Store {
  /** The last batch applied. */
  readonly seq: number;
  /** Applies a batch from the primary; one already covered (seq not above the current) is ignored: false. */
  apply(batch: OpBatch): boolean;
}

export function createReplicaStore(options: ReplicaStoreOptions): ReplicaStore {
  const state = createStoreState();
  state.apply(toCommittedOps(options.snapshot.records.map((r) => ({ collection: r.collection, key: r.key, value: r.value }))));
  let seq = options.snapshot.seq;
  let closed = false;
  // Resolved by apply() once the batch of a forwarded commit has arrived, so the writer reads its own write.
  const waiters = new Map<number, Array<() => void>>();
  const whenApplied = (target: number): Promise<void> => {
    if (target <= seq) return Promise.resolve();
    return new Promise((resolve) => {
      const list = waiters.get(target) ?? [];
      list.push(resolve);
      waiters.set(target, list);
    });
  };
  const assertOpen = (): void => {
    if (closed) throw new StoreError('closed', 'the store is closed');
  };

  return {
    get seq() {
      return seq;
    },
    apply(batch) {
      if (batch.seq <= seq) return false;
      state.apply(toCommittedOps(batch.ops));
      seq = batch.seq;
      for (const [target, list] of waiters) {
        if (target > seq) continue;
        waiters.delete(target);
        for (const resolve of list) resolve();
      }
      return true;
    },
    get: <T>(collection: string, key: string) => state.get(collection, key) as T | undefined,
    list: <T>(collection: string, listOptions?: { prefix?: string }) =>
      state.list(collection, listOptions?.prefix) as Array<{ key: string; value: T }>,
    collections: () => [...state.collections()].map(([name]) => name),
    async commit(ops) {
      assertOpen();
      // Refused here, as the primary would: an invalid op never crosses the process boundary.
      toCommittedOps(ops);
      await whenApplied(await options.forwardCommit(ops));
    },
    async putBlob() {
      throw new StoreError('invalid', 'a data-plane worker does not store blobs (imports go through the admin API)');
    },
    async getBlob(sha256) {
      assertOpen();
      let bytes: Buffer;
      try {
        bytes = await readFile(join(options.blobsDir, sha256));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('not-found', `blob ${sha256} does not exist`);
        throw new StoreError('io', `blob ${sha256}: ${(err as Error).message}`, { cause: err });
      }
      if (sha256Hex(bytes) !== sha256) throw new StoreError('corrupt', `blob ${sha256} is corrupt (content does not match its hash)`);
      return bytes;
    },
    hasBlob: (sha256) => /^[0-9a-f]{64}$/.test(sha256) && existsSync(join(options.blobsDir, sha256)),
    health: () => ({ ok: true, problems: [] }),
    async close() {
      closed = true;
    },
  };
}
