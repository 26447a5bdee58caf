// The in-memory record map both store implementations serve reads from, and the validation of ops before they are committed.
import { StoreError, type StoreOp } from './store.js';

const maxNameLength = 1024;

/** A validated op; `value` is deeply frozen JSON, null deletes. */
export interface AppliedOp {
  collection: string;
  key: string;
  value: unknown;
}

/** An op checked and reduced to its JSON round trip; `valueJson` is what goes to disk. */
export interface CommittedOp extends AppliedOp {
  valueJson: string;
}

export interface StoreState {
  get(collection: string, key: string): unknown;
  list(collection: string, prefix: string | undefined): Array<{ key: string; value: unknown }>;
  apply(ops: readonly AppliedOp[]): void;
  /** Collections and their records, for snapshots. */
  collections(): IterableIterator<[string, ReadonlyMap<string, unknown>]>;
}

interface Collection {
  readonly records: Map<string, unknown>;
  /** The keys in code-unit order, so that a prefix listing is a binary search plus its matches. */
  readonly keys: string[];
}

/** Index of the first key not less than `key` (code-unit order). */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function createStoreState(): StoreState {
  const byCollection = new Map<string, Collection>();
  return {
    get: (collection, key) => byCollection.get(collection)?.records.get(key),
    // Code-unit order, not localeCompare: stable across machines and locales. O(log n + matches).
    list(collection, prefix) {
      const entry = byCollection.get(collection);
      if (!entry) return [];
      const out: Array<{ key: string; value: unknown }> = [];
      const start = prefix === undefined ? 0 : lowerBound(entry.keys, prefix);
      for (let i = start; i < entry.keys.length; i++) {
        const key = entry.keys[i]!;
        if (prefix !== undefined && !key.startsWith(prefix)) break;
        out.push({ key, value: entry.records.get(key) });
      }
      return out;
    },
    apply(ops) {
      for (const op of ops) {
        let entry = byCollection.get(op.collection);
        if (op.value === null) {
          if (!entry?.records.delete(op.key)) continue;
          entry.keys.splice(lowerBound(entry.keys, op.key), 1);
          if (entry.records.size === 0) byCollection.delete(op.collection);
        } else {
          if (!entry) byCollection.set(op.collection, (entry = { records: new Map(), keys: [] }));
          if (!entry.records.has(op.key)) entry.keys.splice(lowerBound(entry.keys, op.key), 0, op.key);
          entry.records.set(op.key, op.value);
        }
      }
    },
    collections: function* () {
      for (const [name, entry] of byCollection) yield [name, entry.records] as [string, ReadonlyMap<string, unknown>];
    },
  };
}

/** Validates ops and freezes their JSON round trip; throws StoreError `invalid` naming the bad op. */
export function toCommittedOps(ops: readonly StoreOp[]): CommittedOp[] {
  if (!Array.isArray(ops)) throw new StoreError('invalid', 'commit expects an array of ops');
  return ops.map((op, index) => {
    const where = `ops[${index}]`;
    if (typeof op !== 'object' || op === null) throw new StoreError('invalid', `${where}: expected an object`);
    assertName(op.collection, `${where}.collection`);
    assertName(op.key, `${where}.key`);
    if (op.value === null) return { collection: op.collection, key: op.key, value: null, valueJson: 'null' };
    let valueJson: string | undefined;
    try {
      valueJson = JSON.stringify(op.value);
    } catch (err) {
      throw new StoreError('invalid', `${where}.value: not JSON-serializable (${(err as Error).message})`, { cause: err });
    }
    // JSON.stringify returns undefined for undefined, functions and symbols.
    if (valueJson === undefined) throw new StoreError('invalid', `${where}.value: not JSON-serializable (got ${typeof op.value})`);
    return { collection: op.collection, key: op.key, value: toFrozen(JSON.parse(valueJson)), valueJson };
  });
}

/** Deep-freezes a freshly parsed JSON value (only plain objects and arrays are possible). */
export function toFrozen(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) toFrozen(child);
    Object.freeze(value);
  }
  return value;
}

/** A collection or key name: a non-empty string of bounded length. */
export function isName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= maxNameLength;
}

function assertName(name: unknown, where: string): asserts name is string {
  if (!isName(name)) {
    throw new StoreError('invalid', `${where}: expected a non-empty string of at most ${maxNameLength} characters`);
  }
}
