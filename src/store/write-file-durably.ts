// Crash-safe file replacement: temp file, fsync, rename, fsync of the directory (Linux fsync(2): the entry needs its own fsync).
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Leftovers with this prefix are removed when a store opens. */
export const tempPrefix = '.tmp-';

export type Failpoint = (name: string) => void | Promise<void>;

/**
 * The step that failed. Up to `rename` the final path is untouched and the temp file is removed;
 * at `dir-fsync` the final path exists but may not survive a power loss.
 */
export type DurableWritePhase = 'write' | 'fsync' | 'rename' | 'dir-fsync';

export class DurableWriteError extends Error {
  readonly phase: DurableWritePhase;
  constructor(phase: DurableWritePhase, cause: unknown) {
    super(`${phase} failed: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
    this.name = 'DurableWriteError';
    this.phase = phase;
  }
}

/**
 * Writes `bytes` to `finalPath` so that after a crash the path holds either its old content or all of `bytes`.
 * Calls `failpoint('<label>:after-temp-write' | ':after-fsync' | ':after-rename')`; a failpoint that throws
 * stands for a failure of the step that follows it.
 */
export async function writeFileDurably(finalPath: string, bytes: Uint8Array, label: string, failpoint: Failpoint): Promise<void> {
  const tempPath = join(dirname(finalPath), `${tempPrefix}${basename(finalPath)}-${randomBytes(6).toString('hex')}`);
  let phase: DurableWritePhase = 'write';
  try {
    const handle = await open(tempPath, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      phase = 'fsync';
      await failpoint(`${label}:after-temp-write`);
      await handle.sync();
      phase = 'rename';
      await failpoint(`${label}:after-fsync`);
    } finally {
      await handle.close();
    }
    await rename(tempPath, finalPath);
  } catch (err) {
    await unlink(tempPath).catch(() => undefined);
    throw new DurableWriteError(phase, err);
  }
  try {
    await failpoint(`${label}:after-rename`);
    await fsyncDirectory(dirname(finalPath));
  } catch (err) {
    throw new DurableWriteError('dir-fsync', err);
  }
}

/** Makes creations, renames and deletions in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
