// The in-memory index of key value maps: loaded from the store once, then changed only after a commit is durable.
import type { Store, StoreOp } from '../store/store.js';
import { KVM_COLLECTION, KVM_ENTRY_COLLECTION, type KvmEntryRecord, type KvmRecord } from './kvm-records.js';
import { toScopeKey, type KvmScope } from './kvm-scope.js';

export interface KvmMapState {
  /** Store key of the map. */
  readonly key: string;
  readonly record: KvmRecord;
  /** Entry name → record, as committed. */
  readonly entries: Map<string, KvmEntryRecord>;
}

export interface KvmIndex {
  find(scope: KvmScope, name: string): KvmMapState | undefined;
  add(state: KvmMapState): void;
  remove(scope: KvmScope, name: string): void;
  /** Map names of a scope, unsorted. */
  names(scope: KvmScope): Iterable<string>;
  /** Re-reads the maps and entries a commit made elsewhere wrote (its ops) from the store (a data-plane worker's replica). */
  refresh(ops: readonly StoreOp[]): void;
  /** Some entry of an encrypted map (to check the master key at start), if any. */
  firstEncryptedEntry(): KvmEntryRecord | undefined;
}

export function createKvmIndex(store: Store): KvmIndex {
  /** Scope key → map name → state. */
  const scopes = new Map<string, Map<string, KvmMapState>>();
  const add = (state: KvmMapState): void => {
    const scopeKey = toScopeKey(state.record.scope);
    let maps = scopes.get(scopeKey);
    if (!maps) scopes.set(scopeKey, (maps = new Map()));
    maps.set(state.record.name, state);
  };

  const byKey = new Map<string, KvmMapState>();
  for (const { key, value } of store.list<KvmRecord>(KVM_COLLECTION)) {
    const state: KvmMapState = { key, record: value, entries: new Map() };
    add(state);
    byKey.set(key, state);
  }
  for (const { value } of store.list<KvmEntryRecord>(KVM_ENTRY_COLLECTION)) byKey.get(value.map)?.entries.set(value.name, value);

  return {
    find: (scope, name) => scopes.get(toScopeKey(scope))?.get(name),
    add(state) {
      add(state);
      byKey.set(state.key, state);
    },
    remove(scope, name) {
      const state = scopes.get(toScopeKey(scope))?.get(name);
      scopes.get(toScopeKey(scope))?.delete(name);
      if (state) byKey.delete(state.key);
    },
    refresh(ops) {
      for (const op of ops) {
        if (op.collection === KVM_COLLECTION) {
          const record = store.get<KvmRecord>(KVM_COLLECTION, op.key);
          const old = byKey.get(op.key);
          if (old) {
            scopes.get(toScopeKey(old.record.scope))?.delete(old.record.name);
            byKey.delete(op.key);
          }
          if (!record) continue;
          // The entries map is kept: a write in progress on the old state still lands in the live one.
          const state: KvmMapState = { key: op.key, record, entries: old?.entries ?? new Map() };
          add(state);
          byKey.set(op.key, state);
        } else if (op.collection === KVM_ENTRY_COLLECTION) {
          const record = store.get<KvmEntryRecord>(KVM_ENTRY_COLLECTION, op.key);
          if (record) {
            byKey.get(record.map)?.entries.set(record.name, record);
            continue;
          }
          // Deleted: the entry key is `<map key>/<entry name>`, and entry names may hold `/` too.
          for (let slash = op.key.indexOf('/'); slash !== -1; slash = op.key.indexOf('/', slash + 1)) {
            const state = byKey.get(op.key.slice(0, slash));
            if (state) {
              state.entries.delete(op.key.slice(slash + 1));
              break;
            }
          }
        }
      }
    },
    names: (scope) => scopes.get(toScopeKey(scope))?.keys() ?? [],
    firstEncryptedEntry() {
      for (const maps of scopes.values()) {
        for (const state of maps.values()) {
          if (!state.record.encrypted) continue;
          const first = state.entries.values().next();
          if (!first.done) return first.value;
        }
      }
      return undefined;
    },
  };
}
