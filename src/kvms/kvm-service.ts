// The contract of key value maps: management (admin routes) and the request path (KeyValueMapOperations).
import type { KvmScope } from './kvm-scope.js';
import type { StoreOp } from '../store/store.js';

/** An entry as the management API shows it; `values` is absent for an encrypted map (Apigee masks them). */
export interface KvmEntryView {
  readonly name: string;
  readonly values?: readonly string[];
}

export interface KvmMapView {
  readonly name: string;
  readonly encrypted: boolean;
  /** Sorted by name. */
  readonly entries: readonly KvmEntryView[];
}

export interface KvmEntryInput {
  readonly name: string;
  readonly values: readonly string[];
}

/** What a KeyValueMapOperations Get reads. */
export interface KvmRead {
  readonly values: readonly string[];
  /** The entry belongs to an encrypted map: Apigee lets only `private.` variables receive it. */
  readonly encrypted: boolean;
}

/**
 * Every change is one store commit, serialized per map; the in-memory index is updated once it is durable, so reads
 * (always from memory) never see a change that could be lost. Management methods throw AdminError
 * (KeyValueMapDoesNotExist 404, KeyValueMapAlreadyExists 409, …) or StoreError.
 */
export interface KvmService {
  listMaps(scope: KvmScope): string[];
  /** Makes a commit made elsewhere (its ops, read back from the store) visible: a data-plane worker following the primary. */
  refresh(ops: readonly StoreOp[]): void;
  getMap(scope: KvmScope, name: string): KvmMapView;
  createMap(scope: KvmScope, input: { readonly name: string; readonly encrypted: boolean; readonly entries: readonly KvmEntryInput[] }): Promise<KvmMapView>;
  /** Adds or replaces the given entries; others stay (Edge's "update key value map"). */
  updateMap(scope: KvmScope, name: string, entries: readonly KvmEntryInput[]): Promise<KvmMapView>;
  deleteMap(scope: KvmScope, name: string): Promise<KvmMapView>;
  getEntry(scope: KvmScope, map: string, entry: string): KvmEntryView;
  /** KeyValueMapEntryAlreadyExists (409) when the entry exists. */
  createEntry(scope: KvmScope, map: string, entry: KvmEntryInput): Promise<KvmEntryView>;
  /** Adds or replaces one entry. */
  updateEntry(scope: KvmScope, map: string, entry: KvmEntryInput): Promise<KvmEntryView>;
  deleteEntry(scope: KvmScope, map: string, entry: string): Promise<KvmEntryView>;
  /** Entry names in code-unit order after `startKey` (excluded), at most `count`. */
  listKeys(scope: KvmScope, map: string, options: { readonly startKey?: string; readonly count: number }): string[];

  /** Request path, synchronous: from a local read cache kept `cacheTtlMs` (ExpiryTimeInSecs), else the index. */
  read(scope: KvmScope, map: string, entry: string, cacheTtlMs: number): KvmRead | undefined;
  /**
   * Policy Put: creates the map (not encrypted) when absent; false when the entry exists and `override` is false.
   * Rejects with KvmWriteError `entry-limit` for a new entry in a full map, `commit-timeout` when the lock and commit
   * take too long (as do remove and ensureMap).
   */
  put(scope: KvmScope, map: string, entry: KvmEntryInput, options: { readonly override: boolean }): Promise<boolean>;
  /** Policy Delete: false when there was no such entry. */
  remove(scope: KvmScope, map: string, entry: string): Promise<boolean>;
  /** InitialEntries: creates the map with them when it does not exist; an existing map is left as it is. */
  ensureMap(scope: KvmScope, map: string, initialEntries: readonly KvmEntryInput[]): Promise<void>;
}

/**
 * A request-path write refused (the map is full) or given up on (the commit took too long). `map` is its name,
 * `limit` the bound that was hit (entries, or milliseconds). Recognized by `name` (policies import kvms/ types only).
 */
export class KvmWriteError extends Error {
  override readonly name = 'KvmWriteError';
  readonly reason: 'entry-limit' | 'commit-timeout';
  readonly map: string;
  readonly limit: number;
  constructor(reason: KvmWriteError['reason'], map: string, limit: number, message: string) {
    super(message);
    this.reason = reason;
    this.map = map;
    this.limit = limit;
  }
}
