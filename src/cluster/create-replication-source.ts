// The primary's side of store replication: a Store whose commits resolve only once every worker has applied them.
import type { Store, StoreOp } from '../store/store.js';
import type { OpBatch, StoreSnapshot } from './store-replication.js';

export interface ReplicationSource {
  /** The store the control plane writes through: a commit resolves after `publish` of its batch has resolved. */
  readonly store: Store;
  /** Like `store.commit`, resolving with the batch's sequence number (0 for an empty commit). */
  commitWithSeq(ops: readonly StoreOp[]): Promise<number>;
  /** Every record now, labelled with the last sequence number published. */
  snapshot(): StoreSnapshot;
}

/**
 * `publish` is the barrier: it sends the batch to every worker and resolves once each has applied it (or was
 * replaced). It must not reject. The inner commit has resolved (and is durable) before `publish` runs, so a
 * worker never sees a change the primary could still lose.
 */
export function createReplicationSource(inner: Store, publish: (batch: OpBatch) => Promise<void>): ReplicationSource {
  let seq = 0;
  const commitWithSeq = (ops: readonly StoreOp[]): Promise<number> =>
    inner.commit(ops).then(() => {
      if (ops.length === 0) return 0;
      // Assigned in the continuation: commits resolve in call order, so sequence numbers follow commit order.
      const batch: OpBatch = { seq: ++seq, ops };
      return publish(batch).then(() => batch.seq);
    });
  return {
    store: { ...inner, commit: (ops) => commitWithSeq(ops).then(() => undefined) },
    commitWithSeq,
    snapshot() {
      const records: Array<{ collection: string; key: string; value: unknown }> = [];
      for (const collection of inner.collections()) {
        for (const { key, value } of inner.list(collection)) records.push({ collection, key, value });
      }
      return { seq, records };
    },
  };
}
