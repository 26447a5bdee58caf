// Per-API and per-revision locks, and which of them the current async context holds.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createKeyedMutex } from '../store/create-keyed-mutex.js';

/**
 * Lock order: an API lock before any revision lock of it, revision locks in ascending number. Taking a lock the
 * context already holds, or an API lock while holding a revision lock, would deadlock: both throw instead.
 */
export interface RevisionLocks {
  /** Serializes numbering and deletion of one API. */
  withApiLock<T>(organization: string, api: string, task: () => Promise<T>): Promise<T>;
  /** Serializes every change of one revision's content. */
  withRevisionLock<T>(organization: string, api: string, revision: number, task: () => Promise<T>): Promise<T>;
  /** Takes the locks of `revisions` in ascending order, then runs `task`. */
  withRevisionLocks<T>(organization: string, api: string, revisions: readonly number[], task: () => Promise<T>): Promise<T>;
  isRevisionLockHeld(organization: string, api: string, revision: number): boolean;
}

interface HeldLocks {
  readonly keys: ReadonlySet<string>;
  readonly holdsRevisionLock: boolean;
}

const apiKeyOf = (organization: string, api: string): string => `api:${organization}/${api}`;
const revisionKeyOf = (organization: string, api: string, revision: number): string => `rev:${organization}/${api}/${revision}`;

export function createRevisionLocks(): RevisionLocks {
  const mutex = createKeyedMutex();
  const held = new AsyncLocalStorage<HeldLocks>();
  // On Node 20 an enabled AsyncLocalStorage turns on promise hooks for the whole process, which slows every
  // data-plane promise: it is enabled only while a lock operation runs, and disabled when none does.
  let running = 0;
  const settle = (): void => {
    if (--running === 0) held.disable();
  };

  const withLock = <T>(key: string, isRevision: boolean, task: () => Promise<T>): Promise<T> => {
    const current = held.getStore();
    if (current?.keys.has(key)) return Promise.reject(new Error(`lock ${key} is already held by this operation`));
    if (!isRevision && current?.holdsRevisionLock) return Promise.reject(new Error(`lock ${key} cannot be taken while a revision lock is held`));
    const next: HeldLocks = { keys: new Set([...(current?.keys ?? []), key]), holdsRevisionLock: isRevision || (current?.holdsRevisionLock ?? false) };
    running++;
    return mutex.withLock(key, () => held.run(next, task)).finally(settle);
  };

  const locks: RevisionLocks = {
    withApiLock: (organization, api, task) => withLock(apiKeyOf(organization, api), false, task),
    withRevisionLock: (organization, api, revision, task) => withLock(revisionKeyOf(organization, api, revision), true, task),
    withRevisionLocks(organization, api, revisions, task) {
      const ordered = [...new Set(revisions)].sort((a, b) => a - b);
      const lockFrom = <T>(index: number, inner: () => Promise<T>): Promise<T> =>
        index === ordered.length ? inner() : locks.withRevisionLock(organization, api, ordered[index]!, () => lockFrom(index + 1, inner));
      return lockFrom(0, task);
    },
    isRevisionLockHeld: (organization, api, revision) => held.getStore()?.keys.has(revisionKeyOf(organization, api, revision)) ?? false,
  };
  return locks;
}
