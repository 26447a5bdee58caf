// The file store's blobs/ folder: content-addressed files written crash-safely and verified against their hash on every read.
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from './snapshot-format.js';
import { StoreError } from './store.js';
import { DurableWriteError, writeFileDurably, type Failpoint } from './write-file-durably.js';

export interface BlobDirectory {
  put(bytes: Uint8Array): Promise<string>;
  get(sha256: string): Promise<Uint8Array>;
  has(sha256: string): boolean;
  /** Settles once every write under way has. */
  idle(): Promise<void>;
}

export interface BlobDirectoryDeps {
  /** Blobs found intact at open. */
  known: Set<string>;
  failpoint: Failpoint;
  /** Stops the store; returns the error to throw. */
  stop(err: StoreError): StoreError;
  reportCorrupt(sha256: string): void;
}

const blobNamePattern = /^[0-9a-f]{64}$/;

/**
 * A temp file that fails to write or fsync is discarded whole, so that failure (ENOSPC included) is not fatal;
 * a failed fsync of the folder after the rename is, because the file may then exist without being durable.
 */
export function createBlobDirectory(blobsDir: string, deps: BlobDirectoryDeps): BlobDirectory {
  const { known } = deps;
  const writes = new Map<string, Promise<void>>();

  async function write(hash: string, bytes: Uint8Array): Promise<void> {
    const finalPath = join(blobsDir, hash);
    try {
      await writeFileDurably(finalPath, bytes, 'blob', deps.failpoint);
    } catch (err) {
      if (err instanceof DurableWriteError && err.phase === 'dir-fsync') {
        await unlink(finalPath).catch(() => undefined);
        throw deps.stop(new StoreError('fsync-failed', `blob ${hash}: ${err.message}`, { cause: err }));
      }
      throw toIoError(`writing blob ${hash}`, (err as Error).cause ?? err);
    }
    known.add(hash);
  }

  return {
    async put(bytes) {
      // Copied so a caller reusing its buffer cannot change the bytes between hashing and writing.
      const copy = Buffer.from(bytes);
      const hash = sha256Hex(copy);
      if (known.has(hash)) return hash;
      let pending = writes.get(hash);
      if (!pending) {
        pending = write(hash, copy).finally(() => writes.delete(hash));
        writes.set(hash, pending);
      }
      await pending;
      return hash;
    },

    async get(sha256) {
      if (!blobNamePattern.test(sha256)) throw new StoreError('invalid', `not a sha-256 hex digest: ${JSON.stringify(sha256)}`);
      let bytes: Buffer;
      try {
        bytes = await readFile(join(blobsDir, sha256));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('not-found', `blob ${sha256} does not exist`);
        throw toIoError(`reading blob ${sha256}`, err);
      }
      if (sha256Hex(bytes) !== sha256) {
        // Forgetting it lets a later put of the same bytes repair the file.
        if (known.delete(sha256)) deps.reportCorrupt(sha256);
        throw new StoreError('corrupt', `blob ${sha256} is corrupt: its content does not match its hash`);
      }
      return bytes;
    },

    has: (sha256) => known.has(sha256),

    async idle() {
      await Promise.allSettled([...writes.values()]);
    },
  };
}

/** A failed read or write as StoreError `no-space` (ENOSPC) or `io`. */
export function toIoError(what: string, cause: unknown): StoreError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = (cause as Error | undefined)?.message ?? String(cause);
  return new StoreError(code === 'ENOSPC' ? 'no-space' : 'io', `${what} failed: ${message}`, { cause });
}
