// The deploy history over the Store: builds records with their retention pruning as ops, reads and pages them.
import type { Store, StoreOp } from '../store/store.js';
import { createHistoryIdSource } from './create-history-id-source.js';
import {
  DEPLOY_HISTORY, toDeployHistoryKey, toDeployHistoryPrefix, type DeployHistoryKind, type DeployHistoryRecord,
} from './deploy-history-record.js';

export interface DeployHistoryOptions {
  readonly store: Store;
  readonly now: () => number;
  /** Records kept per environment; past it the oldest non-persistent ones are deleted (default 100). */
  readonly retention?: number;
}

/** A record before it gets its id and time. */
export type NewDeployHistoryRecord = Omit<DeployHistoryRecord, 'id' | 'time'>;

export interface DeployHistoryFilter {
  /** Records naming this proxy. */
  readonly api?: string;
  readonly group?: string;
  readonly kind?: DeployHistoryKind;
  /** At most this many records (default and maximum 100). */
  readonly count?: number;
  /** Continue after this id (exclusive), towards older records. */
  readonly startKey?: string;
}

export interface DeployHistoryPage {
  /** Newest first. */
  readonly records: readonly DeployHistoryRecord[];
  /** The id to pass as `startKey` for the next page; undefined on the last one. */
  readonly nextStartKey: string | undefined;
}

/** A record and the ops that store it: commit them in the same commit as the change they describe. */
export interface DeployHistoryChange {
  readonly record: DeployHistoryRecord;
  readonly ops: StoreOp[];
}

export interface DeployHistory {
  /** The new record and its ops, with the deletions of the oldest non-persistent records past the retention limit. */
  toAddition(entry: NewDeployHistoryRecord): DeployHistoryChange;
  /** The record marked or unmarked persistent (it is not pruned now: the next addition prunes); undefined when there is none. */
  toPersistenceChange(organization: string, environment: string, id: string, persistent: boolean): DeployHistoryChange | undefined;
  get(organization: string, environment: string, id: string): DeployHistoryRecord | undefined;
  list(organization: string, environment: string, filter?: DeployHistoryFilter): DeployHistoryPage;
}

export const defaultHistoryRetention = 100;
export const maxHistoryPageCount = 100;

/**
 * Additions must be serialized with their commits (the deployment service runs every change alone): pruning
 * reads the records the previous commit left.
 */
export function createDeployHistory(options: DeployHistoryOptions): DeployHistory {
  const { store } = options;
  const retention = Math.max(1, options.retention ?? defaultHistoryRetention);
  const newest = store.list<DeployHistoryRecord>(DEPLOY_HISTORY).reduce<string | undefined>((max, e) => (max === undefined || e.value.id > max ? e.value.id : max), undefined);
  const ids = createHistoryIdSource(newest);

  /** Oldest first (ids are time-ordered and keys end with them). */
  const recordsOf = (organization: string, environment: string): DeployHistoryRecord[] =>
    store.list<DeployHistoryRecord>(DEPLOY_HISTORY, { prefix: toDeployHistoryPrefix(organization, environment) }).map((e) => e.value);

  return {
    toAddition(entry) {
      const time = options.now();
      const record: DeployHistoryRecord = { ...entry, id: ids.next(time), time };
      const existing = recordsOf(entry.organization, entry.environment);
      // The new record counts towards the limit but is never its own victim; persistent ones are never deleted.
      let excess = existing.length + 1 - retention;
      const ops: StoreOp[] = [{ collection: DEPLOY_HISTORY, key: toDeployHistoryKey(record.organization, record.environment, record.id), value: record }];
      for (const old of existing) {
        if (excess <= 0) break;
        if (old.persistent) continue;
        ops.push({ collection: DEPLOY_HISTORY, key: toDeployHistoryKey(old.organization, old.environment, old.id), value: null });
        excess--;
      }
      return { record, ops };
    },
    toPersistenceChange(organization, environment, id, persistent) {
      const key = toDeployHistoryKey(organization, environment, id);
      const current = store.get<DeployHistoryRecord>(DEPLOY_HISTORY, key);
      if (!current) return undefined;
      const record: DeployHistoryRecord = { ...current, persistent };
      return { record, ops: [{ collection: DEPLOY_HISTORY, key, value: record }] };
    },
    get: (organization, environment, id) => store.get<DeployHistoryRecord>(DEPLOY_HISTORY, toDeployHistoryKey(organization, environment, id)),
    list(organization, environment, filter = {}) {
      const count = Math.min(maxHistoryPageCount, Math.max(1, filter.count ?? maxHistoryPageCount));
      const matching = recordsOf(organization, environment)
        .filter((r) => (filter.startKey === undefined || r.id < filter.startKey)
          && (filter.api === undefined || r.proxies.some((p) => p.api === filter.api))
          && (filter.group === undefined || r.group === filter.group)
          && (filter.kind === undefined || r.kind === filter.kind))
        .reverse();
      const records = matching.slice(0, count);
      return { records, nextStartKey: matching.length > count ? records[records.length - 1]!.id : undefined };
    },
  };
}
