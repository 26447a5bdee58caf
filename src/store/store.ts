// The storage contract every Baton module writes through: keyed JSON records plus content-addressed blobs.

/** One change in a commit. A `null` value deletes the key. */
export interface StoreOp {
  collection: string;
  key: string;
  value: unknown | null;
}

/** What `health()` reports; `problems` explains every reason `ok` is false. */
export interface StoreHealth {
  ok: boolean;
  problems: string[];
}

/**
 * Durable storage behind one interface, so the embedded file store and a future shared database are
 * interchangeable.
 *
 * Records: values are JSON. A committed value is stored as its JSON round trip and returned deeply frozen,
 * so what a caller reads is exactly what a restart would read back (`undefined` fields vanish, dates
 * become strings) and nobody can mutate shared state by accident.
 *
 * Ordering: `commit` calls are applied one at a time, in call order; each is atomic (all its ops or none)
 * and durable before its promise resolves. If it rejects, none of its ops is visible. Reads never wait:
 * they see the last resolved commit. A read-modify-write sequence (read, compute, commit) is therefore
 * only safe under a lock held across the `await commit(...)`; see `createKeyedMutex`.
 *
 * A commit that rejects with code `fsync-failed` or `failed` means the store stopped accepting writes
 * (the disk's state is uncertain); it must be closed and reopened, which re-reads what is really on disk.
 */
export interface Store {
  /** The current value, from memory, or undefined. */
  get<T>(collection: string, key: string): T | undefined;
  /** Every record of a collection (optionally those whose key starts with `prefix`), sorted by key (code-unit order). */
  list<T>(collection: string, options?: { prefix?: string }): Array<{ key: string; value: T }>;
  /** The names of the collections that hold at least one record (a replication snapshot lists them all). */
  collections(): string[];
  /** Applies the ops atomically and durably; rejects with a StoreError, and then nothing of it is visible. An empty commit is a barrier: it resolves after every earlier one. */
  commit(ops: readonly StoreOp[]): Promise<void>;
  /** Stores bytes under their sha-256 (lowercase hex), durable before it resolves; storing the same bytes again is a no-op. */
  putBlob(bytes: Uint8Array): Promise<string>;
  /** The bytes of a blob, verified against its hash: StoreError `not-found` or `corrupt` otherwise. */
  getBlob(sha256: string): Promise<Uint8Array>;
  /** True when the blob is stored and not known to be corrupt. */
  hasBlob(sha256: string): boolean;
  /** Problems found at open (torn journal tail, corrupt snapshot or blobs) or since (write failures). */
  health(): StoreHealth;
  /** Waits for pending commits and blob writes, then releases files and the directory lock. */
  close(): Promise<void>;
}

export type StoreErrorCode =
  /** An op or value that cannot be stored (not JSON, empty key, record too large). */
  | 'invalid'
  /** Disk full: nothing was written; retrying after space is freed can succeed. */
  | 'no-space'
  /** A write failed; nothing was written; the store still accepts writes. */
  | 'io'
  /** fsync failed: the store stopped accepting writes until reopened (PostgreSQL "fsyncgate"). */
  | 'fsync-failed'
  /** An earlier fatal error stopped the store; reopen it. */
  | 'failed'
  | 'closed'
  /** Another process (or another store in this one) holds the directory. */
  | 'locked'
  | 'not-found'
  /** Stored bytes do not match their hash. */
  | 'corrupt';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'StoreError';
    this.code = code;
  }
}
