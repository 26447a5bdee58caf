// The audit trail over the Store: one durable commit per entry, keys in time order, oldest pruned past a cap.
import type { Store } from '../store/store.js';
import type { AuditEntry, AuditLog } from './audit-log.js';

export const auditCollection = 'audit';

export interface AuditLogOptions {
  readonly now: () => number;
  /**
   * Entries kept across all organizations (default 100,000, a few hundred bytes each in memory and in the
   * store's snapshot). Past it, each new entry deletes the oldest in the same commit, so the trail never
   * exceeds the cap and pruning is as durable as recording.
   */
  readonly maxEntries?: number;
}

const defaultMaxEntries = 100_000;
/** `list` without a limit returns at most this many entries. */
export const defaultAuditListLimit = 1000;

/**
 * `<epoch ms, 16 digits>-<sequence, 12 digits>`: code-unit order is time order, and entries of one
 * millisecond keep their record order. The sequence resumes after the largest stored one, so keys stay unique
 * across restarts.
 */
function toAuditKey(time: number, sequence: number): string {
  return `${String(time).padStart(16, '0')}-${String(sequence).padStart(12, '0')}`;
}

function toSequence(key: string): number {
  const sequence = Number(key.slice(key.indexOf('-') + 1));
  return Number.isSafeInteger(sequence) ? sequence : 0;
}

export function createAuditLog(store: Store, options: AuditLogOptions): AuditLog {
  const maxEntries = Math.max(1, options.maxEntries ?? defaultMaxEntries);
  // Keys only, oldest first: the entries themselves are read from the store, which already holds them in memory.
  const keys = store.list<AuditEntry>(auditCollection).map((record) => record.key);
  let sequence = keys.reduce((max, key) => Math.max(max, toSequence(key)), 0);
  // Records run one at a time so the pruning decision sees every earlier entry.
  let tail: Promise<void> = Promise.resolve();

  const append = async (entry: Omit<AuditEntry, 'time'>): Promise<void> => {
    const time = options.now();
    const key = toAuditKey(time, ++sequence);
    const details = entry.details ? toDetails(entry.details) : undefined;
    const value: AuditEntry = {
      time,
      organization: entry.organization,
      user: entry.user,
      operation: entry.operation,
      target: entry.target,
      result: entry.result,
      ...(details ? { details } : {}),
    };
    const pruned = keys.slice(0, Math.max(0, keys.length + 1 - maxEntries));
    await store.commit([
      { collection: auditCollection, key, value },
      ...pruned.map((oldKey) => ({ collection: auditCollection, key: oldKey, value: null })),
    ]);
    keys.splice(0, pruned.length);
    insertSorted(keys, key);
  };

  return {
    record(entry) {
      const run = tail.then(() => append(entry));
      tail = run.catch(() => undefined);
      return run;
    },
    list(organization, listOptions = {}) {
      const from = listOptions.from ?? Number.NEGATIVE_INFINITY;
      const to = listOptions.to ?? Number.POSITIVE_INFINITY;
      const limit = Math.max(0, Math.floor(listOptions.limit ?? defaultAuditListLimit));
      const found: AuditEntry[] = [];
      for (let index = keys.length - 1; index >= 0 && found.length < limit; index--) {
        const entry = store.get<AuditEntry>(auditCollection, keys[index] ?? '');
        if (!entry) continue;
        if (entry.time < from) break;
        if (entry.time <= to && entry.organization === organization) found.push(entry);
      }
      return found;
    },
  };
}

/** Only scalar values are kept: details are for codes and parameters, never for objects that could carry secrets. */
function toDetails(details: Readonly<Record<string, unknown>>): Record<string, string | number | boolean> | undefined {
  const kept = Object.entries(details).filter((pair): pair is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof pair[1]));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** Appends in the common case; a clock that stepped back puts the key where its time belongs. */
function insertSorted(keys: string[], key: string): void {
  let index = keys.length;
  while (index > 0 && (keys[index - 1] ?? '') > key) index--;
  keys.splice(index, 0, key);
}
