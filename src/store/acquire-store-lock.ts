// The single-writer lock of a store directory: a LOCK file naming its owner, broken only when that owner is gone.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './store.js';
import { tempPrefix } from './write-file-durably.js';

export interface StoreLock {
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  hostname: string;
  token: string;
}

/**
 * Takes `dir/LOCK` or throws StoreError `locked`. The lock file is written aside and hard-linked into place,
 * so it is never seen half-written; a lock whose process no longer exists on this host is stale and removed.
 * A LOCK that is empty or unreadable can only be left by a power loss (it is never visible half-written), so it is stale too.
 */
export async function acquireStoreLock(dir: string): Promise<StoreLock> {
  const lockPath = join(dir, 'LOCK');
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), token: randomBytes(16).toString('hex') };
  const tempPath = join(dir, `${tempPrefix}LOCK-${owner.token}`);
  await writeFile(tempPath, JSON.stringify(owner));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(tempPath, lockPath);
        return { release: () => releaseLock(lockPath, owner.token) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const staleText = await readFile(lockPath, 'utf8').catch(() => '');
      const holder = toOwner(staleText);
      if (holder && isAlive(holder)) {
        throw new StoreError('locked', `${dir} is in use by process ${holder.pid} on ${holder.hostname}; if that process is gone, delete ${lockPath}`);
      }
      // Move it aside, then check it is still the stale lock we judged: a process that broke it first may have re-taken it.
      const stalePath = join(dir, `${tempPrefix}LOCK-stale-${randomBytes(6).toString('hex')}`);
      await rename(lockPath, stalePath).catch(ignoreMissing);
      const movedText = await readFile(stalePath, 'utf8').catch(() => undefined);
      if (movedText !== undefined && movedText !== staleText) {
        await link(stalePath, lockPath).catch(() => undefined);
        await unlink(stalePath).catch(ignoreMissing);
        throw new StoreError('locked', `${dir} was just locked by another process`);
      }
      await unlink(stalePath).catch(ignoreMissing);
    }
    throw new StoreError('locked', `could not take ${lockPath}: it keeps being re-created`);
  } finally {
    await unlink(tempPath).catch(ignoreMissing);
  }
}

async function releaseLock(lockPath: string, token: string): Promise<void> {
  const holder = toOwner(await readFile(lockPath, 'utf8').catch(() => ''));
  if (holder?.token === token) await unlink(lockPath).catch(ignoreMissing);
}

function toOwner(text: string): LockOwner | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    const { pid, hostname: host, token } = (parsed ?? {}) as Partial<Record<keyof LockOwner, unknown>>;
    if (typeof pid === 'number' && typeof host === 'string' && typeof token === 'string') return { pid, hostname: host, token };
  } catch {
    // Empty or garbled: no owner.
  }
  return undefined;
}

function isAlive(owner: LockOwner): boolean {
  // A process on another host cannot be checked: assume it is alive.
  if (owner.hostname !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
