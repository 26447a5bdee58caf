// Several proxies' deployments in one environment changed as one: one commit (with its history record), one swap.
import type { DeployedRevision } from '../dataplane/deployed-revision.js';
import { toRouteTargets } from '../dataplane/route-table.js';
import { AdminError, BundleError } from '../errors.js';
import { toGroupPolicies } from '../groups/to-group-policies.js';
import { isSameDeploymentGroup, type DeploymentGroup } from '../groups/proxy-group-settings.js';
import type { DeployHistoryRecord } from '../history/deploy-history-record.js';
import type { StoreOp } from '../store/store.js';
import { DEPLOYMENTS, normalizeDeploymentBasePath, toDeploymentKey, type DeploymentRecord } from './deployment-records.js';
import type { DeploymentContext } from './deployment-context.js';
import type { DeployHistoryNote } from './deployment-service.js';
import { toDeployedKey } from './environment-runtime.js';
import { blameProxy } from './failed-proxy.js';
import { toHistoryEntry, toProxyHistory, type HistoryEntryBase } from './to-history-entry.js';

/** What one proxy should look like after the change. */
export interface EnvironmentChange {
  readonly api: string;
  /** Revisions to have deployed, each at its base path (default `/`): already there is a no-op, elsewhere a move. */
  readonly deploy?: ReadonlyArray<{ readonly revision: number; readonly basePath?: string }>;
  /** Revisions to undeploy: they get no new traffic at once and are released after the delay. */
  readonly undeploy?: readonly number[];
}

export interface EnvironmentChangeInput {
  readonly organization: string;
  readonly environment: string;
  /** One entry per proxy. Revisions are not replaced implicitly: list what must go in `undeploy`. */
  readonly changes: readonly EnvironmentChange[];
  readonly user: string;
  /** How the deploy history records it (default: kind `deploy`, a description naming the proxies). */
  readonly history?: DeployHistoryNote;
  /** Seconds undeployed revisions keep their in-flight requests (without new traffic) before they are undeployed. */
  readonly delaySeconds?: number;
  /**
   * The proxy group making the change: every revision it deploys carries it and is compiled with its settings; one
   * already deployed with other settings (or by no group) is compiled again and swapped, not left unchanged.
   */
  readonly group?: DeploymentGroup;
}

export interface EnvironmentChangeResult {
  /** Revisions now deployed that were not (or were at another base path, or on their way out). */
  readonly deployed: readonly DeploymentRecord[];
  /** Revisions taken out of traffic; with `undeployAt` when the delay keeps them until then. */
  readonly undeployed: readonly DeploymentRecord[];
  /** Revisions asked for that were already deployed there. */
  readonly unchanged: readonly DeploymentRecord[];
  readonly history: DeployHistoryRecord;
}

export function toEnvironmentChangeHistoryBase(input: EnvironmentChangeInput): HistoryEntryBase {
  return {
    organization: input.organization, environment: input.environment, user: input.user, note: input.history,
    kind: 'deploy', description: `Changed the deployments of ${input.changes.map((c) => c.api).join(', ')} by ${input.user}`,
  };
}

function assertWellFormed(changes: readonly EnvironmentChange[]): void {
  const apis = new Set<string>();
  for (const change of changes) {
    if (apis.has(change.api)) throw new AdminError('InvalidParameter', [`Proxy ${change.api} is named twice in one change`]);
    apis.add(change.api);
    const deploying = (change.deploy ?? []).map((d) => d.revision);
    const listed = [...deploying, ...(change.undeploy ?? [])];
    if (new Set(listed).size !== listed.length) throw new AdminError('InvalidParameter', [`A revision of ${change.api} is named twice in one change`]);
  }
}

interface Candidate {
  readonly deployed: DeployedRevision;
  readonly record: DeploymentRecord;
}

/**
 * Every revision is checked, compiled and conflict-checked before anything is stored; the deployment records and the
 * history record go in one commit; routing changes in one synchronous swap (requests see the old state or the new
 * one, never a mix). Base paths of proxies the change does not name are never taken over (compat §3.4 step 2).
 */
export async function applyEnvironmentChange(ctx: DeploymentContext, input: EnvironmentChangeInput): Promise<EnvironmentChangeResult> {
  const { organization, environment } = input;
  const runtime = ctx.runtimeOf(organization, environment);
  assertWellFormed(input.changes);
  const now = ctx.now();
  const delayMs = Math.max(0, input.delaySeconds ?? 0) * 1000;
  const currentOf = new Map(input.changes.map((c) => [c.api, ctx.list(organization, { environment, api: c.api })]));
  const revisions = input.changes.flatMap((c) => (c.deploy ?? []).map((d) => ({ api: c.api, ...d, record: ctx.loadRevision(organization, c.api, d.revision) })));
  for (const { api, revision, record } of revisions) if (record.problems.length > 0) throw blameProxy(new BundleError(record.problems), api, revision);

  const candidates: Candidate[] = [];
  const deployed: DeploymentRecord[] = [];
  const unchanged: DeploymentRecord[] = [];
  const undeployed: DeploymentRecord[] = [];
  const removeKeys: string[] = [];
  const ops: StoreOp[] = [];
  const put = (record: DeploymentRecord | null, of: DeploymentRecord): void => {
    ops.push({ collection: DEPLOYMENTS, key: toDeploymentKey(of.organization, of.environment, of.api, of.revision), value: record });
  };
  try {
    for (const { api, revision, basePath: rawBasePath, record: revisionRecord } of revisions) {
      const basePath = normalizeDeploymentBasePath(rawBasePath);
      const existing = currentOf.get(api)!.find((r) => r.revision === revision);
      const serving = existing && (existing.undeployAt === undefined || existing.servesUntilUndeploy) && runtime.deployed.has(toDeployedKey(api, revision))
        && (input.group === undefined || isSameDeploymentGroup(existing.group, input.group));
      if (serving && existing.basePath === basePath && existing.undeployAt === undefined) {
        unchanged.push(existing);
      } else if (serving && existing.basePath === basePath) {
        // An undeploy with a delay still serving it: keep it, as it is.
        const { undeployAt: _undeployAt, servesUntilUndeploy: _serves, ...kept } = existing;
        put(kept, kept);
        deployed.push(kept);
      } else {
        const record: DeploymentRecord = {
          organization, environment, api, revision, basePath, deployedAt: now, deployedBy: input.user, ...(input.group ? { group: input.group } : {}),
        };
        const bundle = await ctx.revisions.loadBundle(revisionRecord);
        try {
          candidates.push({ deployed: runtime.compile(api, revision, bundle, basePath, toGroupPolicies(input.group)), record });
        } catch (err) {
          throw blameProxy(err, api, revision);
        }
        put(record, record);
        deployed.push(record);
      }
    }
    for (const change of input.changes) {
      for (const revision of change.undeploy ?? []) {
        const existing = currentOf.get(change.api)!.find((r) => r.revision === revision);
        if (!existing) throw new AdminError('RevisionNotDeployed', [revision, change.api, environment]);
        // A replaced revision waiting for its undeploy already gets no traffic.
        if (existing.undeployAt !== undefined && !existing.servesUntilUndeploy) continue;
        removeKeys.push(toDeployedKey(change.api, revision));
        const leaving: DeploymentRecord = delayMs > 0 ? { ...existing, undeployAt: now + delayMs, servesUntilUndeploy: false } : existing;
        put(delayMs > 0 ? leaving : null, existing);
        undeployed.push(leaving);
      }
    }
    assertNoConflicts(runtime.findConflicts.bind(runtime), candidates, new Set([...removeKeys, ...candidates.map((c) => toDeployedKey(c.record.api, c.record.revision))]), organization);
  } catch (err) {
    for (const c of candidates) void c.deployed.compiled.close();
    throw err;
  }

  const proxies = input.changes.map((c) => toProxyHistory({ organization, environment, api: c.api }, currentOf.get(c.api)!, ops));
  const history = ctx.history.toAddition(toHistoryEntry(toEnvironmentChangeHistoryBase(input), proxies, { result: 'success' }));
  try {
    await ctx.commit([...ops, ...history.ops]);
  } catch (err) {
    for (const c of candidates) void c.deployed.compiled.close();
    throw err;
  }
  // Pending undeploy timers of revisions this change keeps, moves or takes out; retirements of re-deployed ones.
  for (const record of [...deployed, ...undeployed]) ctx.retirements.cancel(runtime, toDeployedKey(record.api, record.revision));
  const removed = runtime.swap({ add: candidates.map((c) => c.deployed), remove: removeKeys });
  for (const old of removed) {
    const leaving = undeployed.find((r) => r.api === old.compiled.apiName && r.revision === old.compiled.revision && r.undeployAt !== undefined);
    if (leaving) ctx.retirements.retire(runtime, old, leaving);
    else ctx.retirements.drain(old);
  }
  ctx.logger.info({
    org: organization, env: environment, history: history.record.id,
    deployed: deployed.map((r) => `${r.api}/${r.revision}@${r.basePath}`), undeployed: undeployed.map((r) => `${r.api}/${r.revision}`),
  }, 'deployments changed');
  return { deployed, undeployed, unchanged, history: history.record };
}

/** Against what stays deployed (all but `replacing`), and among the candidates themselves. */
function assertNoConflicts(
  findConflicts: (candidate: DeployedRevision, ignoring: ReadonlySet<string>) => Array<{ basePath: string; deployed: DeployedRevision }>,
  candidates: readonly Candidate[],
  replacing: ReadonlySet<string>,
  organization: string,
): void {
  const claimed = new Map<string, DeployedRevision>();
  for (const { deployed } of candidates) {
    const { apiName, revision } = deployed.compiled;
    const conflict = findConflicts(deployed, replacing)[0];
    if (conflict) throw blameProxy(new AdminError('BasePathConflict', [conflict.basePath, conflict.deployed.compiled.revision, conflict.deployed.compiled.apiName, organization]), apiName, revision);
    for (const { endpoint, basePath } of toRouteTargets(deployed)) {
      for (const virtualHost of endpoint.virtualHosts) {
        const key = `${virtualHost} ${basePath}`;
        const other = claimed.get(key);
        if (other && other !== deployed) throw blameProxy(new AdminError('BasePathConflict', [basePath, other.compiled.revision, other.compiled.apiName, organization]), apiName, revision);
        claimed.set(key, deployed);
      }
    }
  }
}
