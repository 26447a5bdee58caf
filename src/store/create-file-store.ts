// The embedded default Store: records in an fsynced, CRC-framed journal compacted into snapshots; blobs as content-addressed files.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { acquireStoreLock } from './acquire-store-lock.js';
import { createBlobDirectory, toIoError } from './create-blob-directory.js';
import { toCommittedOps, type CommittedOp } from './create-store-state.js';
import { assertRecordSize, toJournalRecord, toRecordBytesBound } from './journal-format.js';
import { fileNames, recoverFileStore, type StoreLogger } from './recover-file-store.js';
import { toSnapshotBytes } from './snapshot-format.js';
import { StoreError, type Store, type StoreOp } from './store.js';
import { DurableWriteError, fsyncDirectory, writeFileDurably, type Failpoint } from './write-file-durably.js';

export type { StoreLogger } from './recover-file-store.js';

export interface FileStoreOptions {
  logger?: StoreLogger;
  /**
   * Called at named points of every write so tests can crash or fail there: `blob:after-temp-write`,
   * `blob:after-fsync`, `blob:after-rename`, `journal:before-append`, `journal:after-append`, `journal:after-fsync`,
   * `snapshot:after-temp-write`, `snapshot:after-fsync`, `snapshot:after-rename`, `journal:after-truncate`.
   * A failpoint that throws stands for a failure of the step that follows it (after-append: the journal fsync).
   */
  failpoint?: Failpoint;
  /** Journal size that triggers a compaction into snapshot.json. */
  compactAfterBytes?: number;
}

interface PendingCommit {
  ops: CommittedOp[];
  resolve(): void;
  reject(err: StoreError): void;
}

const defaultCompactAfterBytes = 4 * 1024 * 1024;
/** Commits written with one fsync (group commit) are capped so one batch stays a bounded buffer. */
const maxBatchBytes = 16 * 1024 * 1024;
/** health() lists this many problems and a count of the rest. */
const maxProblems = 100;
const silentLogger: StoreLogger = { warn: () => undefined, error: () => undefined };

/**
 * Opens (creating if needed) the store in `dir`. Layout: `LOCK` (single writer), `journal.log` (one record per
 * commit, fsynced before the commit resolves), `snapshot.json` (the state up to a journal sequence number),
 * `blobs/<sha256>`. Recovery never throws over damaged content; see recoverFileStore for what each case loses.
 *
 * Failure policy: a failed fsync of the journal or of a directory, or an unconfirmed journal append, stops the store
 * (every later write rejects until it is reopened), because after a failed fsync Linux may have dropped the
 * dirty pages and a retry can falsely succeed (PostgreSQL "fsyncgate"). A failed write (e.g. ENOSPC) is cut back
 * from the journal and only that commit fails. Blob failures: see createBlobDirectory.
 */
export async function createFileStore(dir: string, options: FileStoreOptions = {}): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  const failpoint = options.failpoint ?? (() => undefined);
  const compactAfterBytes = options.compactAfterBytes ?? defaultCompactAfterBytes;
  const created = await mkdir(dir, { recursive: true });
  // A new directory's own entry must reach the disk too, or a power loss can take the whole store with it.
  if (created !== undefined) await fsyncDirectory(dirname(created));
  const lock = await acquireStoreLock(dir);
  let journal: FileHandle;
  let recovered: Awaited<ReturnType<typeof recoverFileStore>>;
  try {
    recovered = await recoverFileStore(dir, logger);
    journal = await open(join(dir, fileNames.journal), 'a');
  } catch (err) {
    await lock.release();
    throw err;
  }
  const { state, blobs, problems } = recovered;
  let lastSeq = recovered.lastSeq;
  let journalBytes = recovered.journalBytes;
  let compactAtBytes = compactAfterBytes;
  let failure: StoreError | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const pending: PendingCommit[] = [];
  let draining: Promise<void> | undefined;

  const addProblem = (message: string): void => {
    problems.push(message);
  };
  const stop = (err: StoreError): StoreError => {
    if (!failure) {
      failure = err;
      addProblem(`writes stopped until the store is reopened: ${err.message}`);
      logger.error({ dir, err }, 'store stopped accepting writes');
    }
    return err;
  };
  const blobDirectory = createBlobDirectory(join(dir, fileNames.blobs), {
    known: blobs,
    failpoint,
    stop,
    reportCorrupt(sha256) {
      addProblem(`blob ${sha256} is corrupt (content does not match its hash)`);
      logger.error({ dir, blob: sha256 }, 'corrupt blob');
    },
  });
  const assertWritable = (): void => {
    if (closed) throw new StoreError('closed', 'the store is closed');
    if (failure) throw new StoreError('failed', `the store stopped accepting writes: ${failure.message}`, { cause: failure });
  };

  async function drain(): Promise<void> {
    try {
      while (pending.length > 0) {
        await writeBatch(takeBatch());
        if (!failure && journalBytes >= compactAtBytes) await compact();
      }
    } finally {
      // No await since the loop condition was checked, so no commit can be left behind in `pending`.
      draining = undefined;
    }
  }

  function takeBatch(): PendingCommit[] {
    let bytes = 0;
    let count = 0;
    while (count < pending.length && (count === 0 || bytes < maxBatchBytes)) bytes += toRecordBytesBound(pending[count++]!.ops);
    return pending.splice(0, count);
  }

  async function writeBatch(batch: PendingCommit[]): Promise<void> {
    const rejectAll = (err: StoreError): void => batch.forEach((c) => c.reject(err));
    if (failure) return rejectAll(new StoreError('failed', `the store stopped accepting writes: ${failure.message}`, { cause: failure }));
    let seq = lastSeq;
    let step: 'append' | 'fsync' | 'confirm' = 'append';
    let bytes: Buffer | undefined;
    try {
      const records = batch.filter((c) => c.ops.length > 0).map((c) => toJournalRecord(++seq, c.ops));
      if (records.length > 0) {
        bytes = Buffer.concat(records);
        await failpoint('journal:before-append');
        await writeAll(journal, bytes);
        step = 'fsync';
        await failpoint('journal:after-append');
        await journal.datasync();
        step = 'confirm';
        await failpoint('journal:after-fsync');
      }
    } catch (err) {
      return rejectAll(step === 'append' ? await rollBackAppend(err) : stop(toFatal(step, err)));
    }
    journalBytes += bytes?.length ?? 0;
    lastSeq = seq;
    for (const c of batch) {
      state.apply(c.ops);
      c.resolve();
    }
  }

  /** After a failed write, cuts the journal back to its last acknowledged length so the next commit appends cleanly. */
  async function rollBackAppend(cause: unknown): Promise<StoreError> {
    const error = toIoError('commit', cause);
    try {
      await journal.truncate(journalBytes);
      await journal.datasync();
    } catch (err) {
      return stop(new StoreError('fsync-failed', `${error.message}; cutting the journal back failed too: ${(err as Error).message}`, { cause: err }));
    }
    logger.warn({ dir, err: cause }, 'commit failed; journal cut back');
    return error;
  }

  async function compact(): Promise<void> {
    try {
      await writeFileDurably(join(dir, fileNames.snapshot), toSnapshotBytes(lastSeq, state), 'snapshot', failpoint);
    } catch (err) {
      if (err instanceof DurableWriteError && err.phase === 'dir-fsync') {
        // The new snapshot may not survive a power loss, so the journal must not be cut.
        stop(new StoreError('fsync-failed', `snapshot: ${err.message}`, { cause: err }));
        return;
      }
      compactAtBytes = journalBytes + compactAfterBytes;
      logger.error({ dir, err }, 'compaction failed; the journal keeps growing until the next attempt');
      return;
    }
    try {
      // snapshot.json now durably covers every record, so a crash anywhere below leaves a recoverable directory.
      await journal.truncate(0);
      await failpoint('journal:after-truncate');
      await journal.datasync();
    } catch (err) {
      stop(new StoreError('fsync-failed', `journal truncation after compaction: ${(err as Error).message}`, { cause: err }));
      return;
    }
    journalBytes = 0;
    compactAtBytes = compactAfterBytes;
  }

  // Nothing can be queued yet, so this compaction needs no serializing with commits.
  if (recovered.needsCompaction) await compact();

  return {
    get: <T>(collection: string, key: string) => state.get(collection, key) as T | undefined,
    list: <T>(collection: string, options?: { prefix?: string }) =>
      state.list(collection, options?.prefix) as Array<{ key: string; value: T }>,
    collections: () => [...state.collections()].map(([name]) => name),

    commit(ops: readonly StoreOp[]): Promise<void> {
      let committed: CommittedOp[];
      try {
        assertWritable();
        committed = toCommittedOps(ops);
        assertRecordSize(committed);
      } catch (err) {
        return Promise.reject(err);
      }
      return new Promise<void>((resolve, reject) => {
        pending.push({ ops: committed, resolve, reject });
        draining ??= drain();
      });
    },

    async putBlob(bytes: Uint8Array): Promise<string> {
      assertWritable();
      return blobDirectory.put(bytes);
    },

    async getBlob(sha256: string): Promise<Uint8Array> {
      if (closed) throw new StoreError('closed', 'the store is closed');
      return blobDirectory.get(sha256);
    },

    hasBlob: (sha256: string) => blobDirectory.has(sha256),

    health() {
      const shown = problems.slice(0, maxProblems);
      if (problems.length > maxProblems) shown.push(`… and ${problems.length - maxProblems} more problems`);
      return { ok: problems.length === 0 && !failure, problems: shown };
    },

    close(): Promise<void> {
      closed = true;
      closing ??= (async () => {
        while (draining) await draining;
        await blobDirectory.idle();
        try {
          await journal.close();
        } finally {
          await lock.release();
        }
      })();
      return closing;
    },
  };
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
}

function toFatal(step: 'fsync' | 'confirm', cause: unknown): StoreError {
  const message = (cause as Error | undefined)?.message ?? String(cause);
  return step === 'fsync'
    ? new StoreError('fsync-failed', `journal fsync failed: ${message}`, { cause })
    : new StoreError('failed', `journal append could not be confirmed: ${message}`, { cause });
}
