// One in-memory cache resource: bounded in entries and bytes, least-recently-used eviction, per-entry expiry on an injected clock.

export interface CacheLimits {
  /** Entries held at most; past it the least recently used go first. */
  readonly maxEntries: number;
  /** Bytes held at most (keys and values as the callers size them). */
  readonly maxBytes: number;
  /** A value larger than this is not stored. */
  readonly maxEntryBytes: number;
  /** Time to live of an entry whose policy sets no expiry. */
  readonly expirySeconds: number;
}

export type CacheLookup =
  | { readonly status: 'hit'; readonly value: unknown }
  | { readonly status: 'miss' }
  /** There was an entry, but it had expired (it is removed now): Apigee's `invalidentry`. */
  | { readonly status: 'expired' };

export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
}

export interface Cache {
  readonly name: string;
  readonly limits: CacheLimits;
  lookup(key: string): CacheLookup;
  /**
   * Stores `value` until `expiresAt` (epoch ms), replacing any entry under `key`, then evicts least recently used
   * entries until the limits hold. `sizeBytes` is the value's size; false (nothing changed) when it is over
   * maxEntryBytes or the entry has already expired.
   */
  put(key: string, value: unknown, options: { readonly sizeBytes: number; readonly expiresAt: number }): boolean;
  delete(key: string): boolean;
  /** Removes `key` and every key that continues it after `__` (InvalidateCache PurgeChildEntries); returns how many. */
  deleteTree(key: string): number;
  clear(): number;
  stats(): CacheStats;
}

interface Entry {
  readonly value: unknown;
  readonly bytes: number;
  readonly expiresAt: number;
}

// Apigee composes keys from parts joined by a double underscore (working-cachekeys).
const KEY_SEPARATOR = '__';

export function createCache(name: string, limits: CacheLimits, now: () => number): Cache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used entry first.
  const entries = new Map<string, Entry>();
  let bytes = 0;

  const remove = (key: string, entry: Entry): void => {
    entries.delete(key);
    bytes -= entry.bytes;
  };

  const evict = (): void => {
    for (const [key, entry] of entries) {
      if (entries.size <= limits.maxEntries && bytes <= limits.maxBytes) return;
      remove(key, entry);
    }
  };

  return {
    name,
    limits,
    lookup(key) {
      const entry = entries.get(key);
      if (!entry) return { status: 'miss' };
      if (entry.expiresAt <= now()) {
        remove(key, entry);
        return { status: 'expired' };
      }
      entries.delete(key);
      entries.set(key, entry);
      return { status: 'hit', value: entry.value };
    },
    put(key, value, options) {
      if (options.sizeBytes > limits.maxEntryBytes || options.expiresAt <= now()) return false;
      const existing = entries.get(key);
      if (existing) remove(key, existing);
      const entry: Entry = { value, bytes: options.sizeBytes + Buffer.byteLength(key), expiresAt: options.expiresAt };
      entries.set(key, entry);
      bytes += entry.bytes;
      evict();
      return entries.has(key);
    },
    delete(key) {
      const entry = entries.get(key);
      if (!entry) return false;
      remove(key, entry);
      return true;
    },
    deleteTree(key) {
      const childPrefix = key + KEY_SEPARATOR;
      let removed = 0;
      for (const [candidate, entry] of entries) {
        if (candidate === key || candidate.startsWith(childPrefix)) {
          remove(candidate, entry);
          removed++;
        }
      }
      return removed;
    },
    clear() {
      const removed = entries.size;
      entries.clear();
      bytes = 0;
      return removed;
    },
    stats: () => ({ entries: entries.size, bytes }),
  };
}
