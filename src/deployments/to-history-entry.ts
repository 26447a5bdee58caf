// Builds the deploy history entry of a deployment change: the proxies' states before and after, kind, description.
import { AdminError, BundleError } from '../errors.js';
import type { DeployedState, DeployHistoryKind, ProxyHistory } from '../history/deploy-history-record.js';
import type { NewDeployHistoryRecord } from '../history/deploy-history.js';
import type { StoreOp } from '../store/store.js';
import { DEPLOYMENTS, toDeploymentKey, toDeploymentKeyPrefix, type DeploymentRecord } from './deployment-records.js';
import type { DeployHistoryNote } from './deployment-service.js';
import { failedProxyOf } from './failed-proxy.js';

/** Descriptions are the caller's text: bounded so one request cannot bloat every later listing. */
const maxDescriptionLength = 1024;

/** Who made a change and how the history names it, before its outcome is known. */
export interface HistoryEntryBase {
  readonly organization: string;
  readonly environment: string;
  readonly user: string;
  readonly note: DeployHistoryNote | undefined;
  /** Used when the note names none. */
  readonly kind: DeployHistoryKind;
  /** Used when the note has none; the note's source is appended to it. */
  readonly description: string;
}

/** Deployed revisions that stay deployed (not those on their way out), by revision. */
export function toDeployedStates(records: readonly DeploymentRecord[]): DeployedState[] {
  return records
    .filter((r) => r.undeployAt === undefined)
    .map((r) => ({ revision: r.revision, basePath: r.basePath }))
    .sort((a, b) => a.revision - b.revision);
}

/** Where a proxy's deployments in one environment are. */
export interface ProxyInEnvironment {
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
}

/** The proxy's records as `ops` leave them (ops on other collections, environments or proxies are ignored). */
export function toRecordsAfter(where: ProxyInEnvironment, records: readonly DeploymentRecord[], ops: readonly StoreOp[]): DeploymentRecord[] {
  const prefix = toDeploymentKeyPrefix(where.organization, where.environment, where.api);
  const byKey = new Map(records.map((r) => [toDeploymentKey(r.organization, r.environment, r.api, r.revision), r]));
  for (const op of ops) {
    if (op.collection !== DEPLOYMENTS || !op.key.startsWith(prefix)) continue;
    if (op.value === null) byKey.delete(op.key);
    else byKey.set(op.key, op.value as DeploymentRecord);
  }
  return [...byKey.values()];
}

export function toProxyHistory(where: ProxyInEnvironment, before: readonly DeploymentRecord[], ops: readonly StoreOp[]): ProxyHistory {
  return { api: where.api, before: toDeployedStates(before), after: toDeployedStates(toRecordsAfter(where, before, ops)) };
}

/** A change that did not happen: after is before. */
export function toUnchangedProxyHistory(api: string, records: readonly DeploymentRecord[]): ProxyHistory {
  const states = toDeployedStates(records);
  return { api, before: states, after: states };
}

/**
 * What a failure record says: catalog messages as they are, prefixed with the proxy revision a multi-proxy change
 * failed on; anything unexpected stays in the log.
 */
export function toFailureReason(err: unknown): string {
  const proxy = failedProxyOf(err);
  const prefix = proxy ? `${proxy.api} revision ${proxy.revision}: ` : '';
  if (err instanceof BundleError) return prefix + err.problems.map((p) => `${p.file}: ${p.message}`).join('; ');
  if (err instanceof AdminError) return prefix + err.message;
  return 'internal error (see the gateway log)';
}

export function toHistoryEntry(
  base: HistoryEntryBase,
  proxies: readonly ProxyHistory[],
  outcome: { readonly result: 'success' } | { readonly result: 'failure'; readonly reason: string },
): NewDeployHistoryRecord {
  const { note } = base;
  const source = note?.source;
  const description = note?.description ?? (source === undefined ? base.description : `${base.description} (${source})`);
  return {
    organization: base.organization,
    environment: base.environment,
    user: base.user,
    kind: note?.kind ?? base.kind,
    description: description.slice(0, maxDescriptionLength),
    persistent: note?.persistent ?? false,
    ...(source === undefined ? {} : { source: source.slice(0, maxDescriptionLength) }),
    ...(note?.group === undefined ? {} : { group: note.group }),
    proxies,
    ...outcome,
  };
}
