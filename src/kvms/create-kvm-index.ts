// The in-memory index of key value maps: loaded from the store once, then changed only after a commit is durable.
import type { Store } from '../store/store.js';
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
    add,
    remove: (scope, name) => void scopes.get(toScopeKey(scope))?.delete(name),
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
