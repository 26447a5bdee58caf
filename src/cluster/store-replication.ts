// What store replication sends from the primary to its workers: a snapshot of every record, then each committed op batch in order.
import type { StoreOp } from '../store/store.js';

/** Every record at the moment a worker joined, labelled with the last batch sequence number it covers. */
export interface StoreSnapshot {
  readonly seq: number;
  readonly records: ReadonlyArray<{ readonly collection: string; readonly key: string; readonly value: unknown }>;
}

/**
 * One resolved commit. Sequence numbers go up by one per non-empty commit, in commit order. Ops set or delete keys,
 * so applying a batch again (a snapshot taken just after it resolved) leaves the same state.
 */
export interface OpBatch {
  readonly seq: number;
  readonly ops: readonly StoreOp[];
}

/** The collections an op batch touches. */
export function toTouchedCollections(ops: readonly StoreOp[]): Set<string> {
  return new Set(ops.map((op) => op.collection));
}
