// Key value maps over the store: an in-memory index loaded at start and updated after each durable commit, plus a read cache.
import { createCache } from '../caches/create-cache.js';
import { AdminError, ConfigError } from '../errors.js';
import { createKeyedMutex } from '../store/create-keyed-mutex.js';
import type { Store, StoreOp } from '../store/store.js';
import type { KvmCipher } from './create-kvm-cipher.js';
import { createKvmIndex, type KvmIndex, type KvmMapState as MapState } from './create-kvm-index.js';
import { KVM_COLLECTION, KVM_ENTRY_COLLECTION, toEntryKey, type KvmEntryRecord, type KvmRecord } from './kvm-records.js';
import { describeScope, isValidMapName, toMapKey, type KvmScope } from './kvm-scope.js';
import { KvmWriteError, type KvmEntryInput, type KvmEntryView, type KvmMapView, type KvmRead, type KvmService } from './kvm-service.js';

export interface KvmServiceDeps {
  readonly store: Store;
  readonly cipher: KvmCipher;
  readonly now: () => number;
  /**
   * Ops added to every commit that stores an encrypted map or entry: the master key check record when it is not
   * stored yet (toMasterKeyCheckOps), so a restart with another master key is refused instead of failing reads.
   */
  readonly secretCommitOps?: () => readonly StoreOp[];
  /** The message of the ConfigError thrown at creation when stored encrypted entries do not decrypt with this key. */
  readonly masterKeyMismatchMessage?: string;
  /** Entries a policy Put may grow a map to (default MAX_ENTRIES_PER_MAP). */
  readonly maxEntriesPerMap?: number;
  /** How long a request-path write (put, remove, ensureMap) waits for its lock and commit (default 5 s). */
  readonly requestCommitTimeoutMs?: number;
}

/** A policy Put of a new entry into a map holding this many is refused: request traffic must not grow a map without bound. */
export const MAX_ENTRIES_PER_MAP = 100_000;
const REQUEST_COMMIT_TIMEOUT_MS = 5_000;

// Edge: "A key cannot be larger than 2 KB". The value bound is Baton's, to keep the index and commits small.
const MAX_ENTRY_NAME_BYTES = 2048;
const MAX_VALUE_BYTES = 1024 * 1024;
const READ_CACHE = { maxEntries: 10_000, maxBytes: 32 * 1024 * 1024, maxEntryBytes: MAX_VALUE_BYTES, expirySeconds: 300 };

function checkEntry(entry: KvmEntryInput): void {
  const nameBytes = Buffer.byteLength(entry.name);
  if (nameBytes === 0 || nameBytes > MAX_ENTRY_NAME_BYTES) throw new AdminError('InvalidParameter', [`entry name must be 1-${MAX_ENTRY_NAME_BYTES} bytes, got ${nameBytes}`]);
  const valueBytes = entry.values.reduce((sum, value) => sum + Buffer.byteLength(value), 0);
  if (valueBytes > MAX_VALUE_BYTES) throw new AdminError('InvalidParameter', [`value of entry ${entry.name} exceeds ${MAX_VALUE_BYTES} bytes`]);
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Stores written before the master key check covered KVMs have encrypted entries but no check record: one entry
 * that does not decrypt means the key changed, and starting would only make every read of them fail.
 */
function assertEncryptedEntriesOpen(index: KvmIndex, cipher: KvmCipher, message = 'the master key does not match the one the stored encrypted KVM entries were sealed with'): void {
  const sample = index.firstEncryptedEntry();
  if (!sample?.ciphertext) return;
  try {
    cipher.decrypt(sample.ciphertext, toEntryKey(sample.map, sample.name));
  } catch {
    throw new ConfigError([message]);
  }
}

export function createKvmService(deps: KvmServiceDeps): KvmService {
  const { store, cipher, now } = deps;
  const maxEntriesPerMap = deps.maxEntriesPerMap ?? MAX_ENTRIES_PER_MAP;
  const requestCommitTimeoutMs = deps.requestCommitTimeoutMs ?? REQUEST_COMMIT_TIMEOUT_MS;
  /** Bounds a request-path write; the commit itself goes on (and may still apply) after the caller gave up. */
  const withinRequestTime = <T>(map: string, task: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new KvmWriteError('commit-timeout', map, requestCommitTimeoutMs, `the store did not commit the change to KeyValueMap ${map} within ${requestCommitTimeoutMs} ms`)), requestCommitTimeoutMs);
    });
    return Promise.race([task, expired]).finally(() => clearTimeout(timer));
  };
  const mutex = createKeyedMutex();
  const readCache = createCache('kvm-read-cache', READ_CACHE, now);
  const index = createKvmIndex(store);
  assertEncryptedEntriesOpen(index, cipher, deps.masterKeyMismatchMessage);

  const findMap = (scope: KvmScope, name: string): MapState | undefined => index.find(scope, name);
  const requireMap = (scope: KvmScope, name: string): MapState => {
    const state = findMap(scope, name);
    if (!state) throw new AdminError('KeyValueMapDoesNotExist', [name, describeScope(scope)]);
    return state;
  };
  const toRecord = (state: Pick<MapState, 'key' | 'record'>, entry: KvmEntryInput): KvmEntryRecord => {
    const entryKey = toEntryKey(state.key, entry.name);
    return state.record.encrypted
      ? { map: state.key, name: entry.name, ciphertext: cipher.encrypt(entry.values, entryKey) }
      : { map: state.key, name: entry.name, values: [...entry.values] };
  };
  const valuesOf = (state: MapState, record: KvmEntryRecord): readonly string[] =>
    record.ciphertext !== undefined ? cipher.decrypt(record.ciphertext, toEntryKey(state.key, record.name)) : record.values ?? [];
  const toEntryView = (state: MapState, record: KvmEntryRecord): KvmEntryView =>
    state.record.encrypted ? { name: record.name } : { name: record.name, values: record.values ?? [] };
  const toMapView = (state: MapState): KvmMapView => ({
    name: state.record.name,
    encrypted: state.record.encrypted,
    entries: [...state.entries.values()].sort((a, b) => byCodeUnit(a.name, b.name)).map((record) => toEntryView(state, record)),
  });

  /** Commits the records, then (durable now) puts them in the index and drops their cached reads. */
  const writeEntries = async (state: MapState, records: readonly KvmEntryRecord[], extraOps: readonly StoreOp[] = []): Promise<void> => {
    const secretOps = state.record.encrypted ? deps.secretCommitOps?.() ?? [] : [];
    await store.commit([...secretOps, ...extraOps, ...records.map((r) => ({ collection: KVM_ENTRY_COLLECTION, key: toEntryKey(state.key, r.name), value: r }))]);
    for (const record of records) {
      state.entries.set(record.name, record);
      readCache.delete(toEntryKey(state.key, record.name));
    }
  };

  const createMapLocked = async (scope: KvmScope, name: string, encrypted: boolean, entries: readonly KvmEntryInput[]): Promise<MapState> => {
    const record: KvmRecord = { name, scope, encrypted };
    const state: MapState = { key: toMapKey(scope, name), record, entries: new Map() };
    await writeEntries(state, entries.map((entry) => toRecord(state, entry)), [{ collection: KVM_COLLECTION, key: state.key, value: record }]);
    index.add(state);
    return state;
  };

  const assertMapName = (name: string): void => {
    if (!isValidMapName(name)) throw new AdminError('KeyValueMapNameInvalid', [name]);
  };

  return {
    listMaps: (scope) => [...index.names(scope)].sort(byCodeUnit),
    refresh(ops) {
      index.refresh(ops);
      for (const op of ops) if (op.collection === KVM_ENTRY_COLLECTION) readCache.delete(op.key);
    },
    getMap: (scope, name) => toMapView(requireMap(scope, name)),

    async createMap(scope, input) {
      assertMapName(input.name);
      input.entries.forEach(checkEntry);
      return mutex.withLock(toMapKey(scope, input.name), async () => {
        if (findMap(scope, input.name)) throw new AdminError('KeyValueMapAlreadyExists', [input.name]);
        return toMapView(await createMapLocked(scope, input.name, input.encrypted, input.entries));
      });
    },

    async updateMap(scope, name, entries) {
      entries.forEach(checkEntry);
      return mutex.withLock(toMapKey(scope, name), async () => {
        const state = requireMap(scope, name);
        await writeEntries(state, entries.map((entry) => toRecord(state, entry)));
        return toMapView(state);
      });
    },

    deleteMap(scope, name) {
      return mutex.withLock(toMapKey(scope, name), async () => {
        const state = requireMap(scope, name);
        const view = toMapView(state);
        await store.commit([
          { collection: KVM_COLLECTION, key: state.key, value: null },
          ...[...state.entries.keys()].map((entry) => ({ collection: KVM_ENTRY_COLLECTION, key: toEntryKey(state.key, entry), value: null })),
        ]);
        index.remove(scope, name);
        for (const entry of state.entries.keys()) readCache.delete(toEntryKey(state.key, entry));
        return view;
      });
    },

    getEntry(scope, map, entry) {
      const state = requireMap(scope, map);
      const record = state.entries.get(entry);
      if (!record) throw new AdminError('KeyValueMapEntryDoesNotExist', [map, entry]);
      return toEntryView(state, record);
    },

    async createEntry(scope, map, entry) {
      checkEntry(entry);
      return mutex.withLock(toMapKey(scope, map), async () => {
        const state = requireMap(scope, map);
        if (state.entries.has(entry.name)) throw new AdminError('KeyValueMapEntryAlreadyExists', [map, entry.name]);
        const record = toRecord(state, entry);
        await writeEntries(state, [record]);
        return toEntryView(state, record);
      });
    },

    async updateEntry(scope, map, entry) {
      checkEntry(entry);
      return mutex.withLock(toMapKey(scope, map), async () => {
        const state = requireMap(scope, map);
        const record = toRecord(state, entry);
        await writeEntries(state, [record]);
        return toEntryView(state, record);
      });
    },

    deleteEntry(scope, map, entry) {
      return mutex.withLock(toMapKey(scope, map), async () => {
        const state = requireMap(scope, map);
        const record = state.entries.get(entry);
        if (!record) throw new AdminError('KeyValueMapEntryDoesNotExist', [map, entry]);
        const entryKey = toEntryKey(state.key, entry);
        await store.commit([{ collection: KVM_ENTRY_COLLECTION, key: entryKey, value: null }]);
        state.entries.delete(entry);
        readCache.delete(entryKey);
        return toEntryView(state, record);
      });
    },

    listKeys(scope, map, options) {
      const names = [...requireMap(scope, map).entries.keys()].sort(byCodeUnit);
      const startKey = options.startKey;
      const from = startKey === undefined ? 0 : names.findIndex((name) => name > startKey);
      return from === -1 ? [] : names.slice(from, from + options.count);
    },

    read(scope, map, entry, cacheTtlMs) {
      const state = findMap(scope, map);
      if (!state) return undefined;
      const entryKey = toEntryKey(state.key, entry);
      const cached = readCache.lookup(entryKey);
      if (cached.status === 'hit') return cached.value as KvmRead;
      const record = state.entries.get(entry);
      if (!record) return undefined;
      const result: KvmRead = { values: Object.freeze([...valuesOf(state, record)]), encrypted: state.record.encrypted };
      const sizeBytes = result.values.reduce((sum, value) => sum + Buffer.byteLength(value), 0);
      if (cacheTtlMs > 0) readCache.put(entryKey, result, { sizeBytes, expiresAt: now() + cacheTtlMs });
      return result;
    },

    async put(scope, map, entry, options) {
      checkEntry(entry);
      assertMapName(map);
      return withinRequestTime(map, mutex.withLock(toMapKey(scope, map), async () => {
        const state = findMap(scope, map);
        if (!state) {
          await createMapLocked(scope, map, false, [entry]);
          return true;
        }
        const exists = state.entries.has(entry.name);
        if (!options.override && exists) return false;
        if (!exists && state.entries.size >= maxEntriesPerMap) {
          throw new KvmWriteError('entry-limit', map, maxEntriesPerMap, `KeyValueMap ${map} holds ${state.entries.size} entries, the most a policy Put may add to`);
        }
        await writeEntries(state, [toRecord(state, entry)]);
        return true;
      }));
    },

    remove(scope, map, entry) {
      return withinRequestTime(map, mutex.withLock(toMapKey(scope, map), async () => {
        const state = findMap(scope, map);
        if (!state?.entries.has(entry)) return false;
        const entryKey = toEntryKey(state.key, entry);
        await store.commit([{ collection: KVM_ENTRY_COLLECTION, key: entryKey, value: null }]);
        state.entries.delete(entry);
        readCache.delete(entryKey);
        return true;
      }));
    },

    async ensureMap(scope, map, initialEntries) {
      assertMapName(map);
      initialEntries.forEach(checkEntry);
      return withinRequestTime(map, mutex.withLock(toMapKey(scope, map), async () => {
        if (!findMap(scope, map)) await createMapLocked(scope, map, false, initialEntries);
      }));
    },
  };
}
