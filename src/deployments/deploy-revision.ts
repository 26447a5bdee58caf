// One deploy or undeploy of a revision (compat §3.4-3.5): compile beside the live state, persist with its history record, swap.
import { AdminError, BundleError } from '../errors.js';
import type { DeployHistoryChange } from '../history/deploy-history.js';
import type { StoreOp } from '../store/store.js';
import { DEPLOYMENTS, normalizeDeploymentBasePath, toDeploymentKey, type DeploymentRecord } from './deployment-records.js';
import type { DeploymentContext } from './deployment-context.js';
import type { DeployInput, DeployResult } from './deployment-service.js';
import { toDeployedKey } from './environment-runtime.js';
import { toHistoryEntry, toProxyHistory, type HistoryEntryBase } from './to-history-entry.js';

/** How the history names a deploy when the caller's note does not. */
export function toDeployHistoryBase(input: DeployInput): HistoryEntryBase {
  const basePath = normalizeDeploymentBasePath(input.basePath);
  return {
    organization: input.organization, environment: input.environment, user: input.user, note: input.history,
    kind: 'deploy', description: `Deployed ${input.api} revision ${input.revision} at ${basePath} by ${input.user}`,
  };
}

export function toUndeployHistoryBase(input: Omit<DeployInput, 'basePath' | 'override'>): HistoryEntryBase {
  const delay = Math.max(0, input.delaySeconds ?? 0);
  return {
    organization: input.organization, environment: input.environment, user: input.user, note: input.history,
    kind: 'undeploy', description: `Undeployed ${input.api} revision ${input.revision} by ${input.user}${delay > 0 ? ` after a delay of ${delay}s` : ''}`,
  };
}

export async function deployRevision(ctx: DeploymentContext, input: DeployInput): Promise<DeployResult> {
  const { store, logger } = ctx;
  const runtime = ctx.runtimeOf(input.organization, input.environment);
  const revision = ctx.loadRevision(input.organization, input.api, input.revision);
  if (revision.problems.length > 0) throw new BundleError(revision.problems);
  const basePath = normalizeDeploymentBasePath(input.basePath);
  const key = toDeploymentKey(input.organization, input.environment, input.api, input.revision);
  const where = { organization: input.organization, environment: input.environment, api: input.api };
  const before = ctx.list(input.organization, { environment: input.environment, api: input.api });
  const existing = store.get<DeploymentRecord>(DEPLOYMENTS, key);
  if (existing && existing.basePath === basePath && existing.undeployAt === undefined) {
    // Idempotent: nothing changes, but the request is still part of the environment's history.
    const unchanged = ctx.history.toAddition(toHistoryEntry(toDeployHistoryBase(input), [toProxyHistory(where, before, [])], { result: 'success' }));
    await ctx.commit(unchanged.ops);
    return { deployed: existing, replaced: [], changed: false, leftovers: ctx.leftoversOf(input.organization, input.environment, input.api), history: unchanged.record };
  }

  const candidate = runtime.compile(input.api, input.revision, await ctx.revisions.loadBundle(revision), basePath);
  const ownKey = toDeployedKey(input.api, input.revision);
  const conflicts = runtime.findConflicts(candidate, new Set([ownKey]));
  const foreign = conflicts.find((c) => c.deployed.compiled.apiName !== input.api);
  const sameProxy = conflicts.filter((c) => c.deployed.compiled.apiName === input.api);
  // Another proxy's path is never taken over, even with override (compat §3.4 step 2); the same proxy's only with override.
  const blocking = foreign ?? (input.override ? undefined : sameProxy[0]);
  if (blocking) {
    void candidate.compiled.close();
    const other = blocking.deployed.compiled;
    throw new AdminError('BasePathConflict', [blocking.basePath, other.revision, other.apiName, input.organization]);
  }
  const replacedKeys = [...new Set(sameProxy.map((c) => toDeployedKey(c.deployed.compiled.apiName, c.deployed.compiled.revision)))];
  // Other revisions of this proxy that the deploy does not replace would stay deployed at other base paths.
  const wouldRemain = runtime.deployedOf(input.api)
    .filter((d) => d.compiled.revision !== input.revision)
    .map((d) => toDeployedKey(d.compiled.apiName, d.compiled.revision))
    .filter((k) => !replacedKeys.includes(k));
  if (wouldRemain.length > 0 && ctx.leftoverRevisions === 'refuse') {
    void candidate.compiled.close();
    const names = wouldRemain.map((k) => `revision ${k.slice(k.lastIndexOf('/') + 1)}`).join(', ');
    throw new AdminError('LeftoverRevisionRefused', [input.revision, input.api, names, input.environment]);
  }
  if (ctx.leftoverRevisions === 'undeploy') replacedKeys.push(...wouldRemain);
  const now = ctx.now();
  const undeployAt = now + Math.max(0, input.delaySeconds ?? 0) * 1000;
  const replaced: DeploymentRecord[] = replacedKeys.map((k) => {
    const rev = Number(k.slice(k.lastIndexOf('/') + 1));
    const old = store.get<DeploymentRecord>(DEPLOYMENTS, toDeploymentKey(input.organization, input.environment, input.api, rev))!;
    return { ...old, undeployAt, servesUntilUndeploy: false };
  });
  const record: DeploymentRecord = {
    organization: input.organization, environment: input.environment, api: input.api, revision: input.revision,
    basePath, deployedAt: now, deployedBy: input.user,
  };
  const ops: StoreOp[] = [
    { collection: DEPLOYMENTS, key, value: record },
    ...replaced.map((r) => ({ collection: DEPLOYMENTS, key: toDeploymentKey(r.organization, r.environment, r.api, r.revision), value: r })),
  ];
  const history = ctx.history.toAddition(toHistoryEntry(toDeployHistoryBase(input), [toProxyHistory(where, before, ops)], { result: 'success' }));
  try {
    // The history record goes in the same commit: a crash never leaves a deployment change without its record.
    await ctx.commit([...ops, ...history.ops]);
  } catch (err) {
    void candidate.compiled.close();
    throw err;
  }
  ctx.retirements.cancel(runtime, ownKey);
  const removed = runtime.swap({ add: [candidate], remove: replacedKeys });
  for (const old of removed) {
    const oldRecord = replaced.find((r) => r.revision === old.compiled.revision && r.api === old.compiled.apiName);
    if (oldRecord) ctx.retirements.retire(runtime, old, oldRecord);
    else ctx.retirements.drain(old);
  }
  logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision, basePath, replaced: replaced.map((r) => r.revision), history: history.record.id }, 'deployed');
  const leftovers = ctx.leftoversOf(input.organization, input.environment, input.api);
  if (leftovers.length > 0) {
    logger.warn({
      org: input.organization, env: input.environment, api: input.api, revision: input.revision, basePath,
      leftovers: leftovers.map((r) => ({ revision: r.revision, basePath: r.basePath })),
    }, 'leftover revisions: other revisions of this proxy stay deployed at other base paths');
  }
  return { deployed: record, replaced, changed: true, leftovers, history: history.record };
}

export async function undeployRevision(ctx: DeploymentContext, input: Omit<DeployInput, 'basePath' | 'override'>): Promise<DeploymentRecord> {
  const { store, logger } = ctx;
  const runtime = ctx.runtimeOf(input.organization, input.environment);
  ctx.loadRevision(input.organization, input.api, input.revision);
  const key = toDeploymentKey(input.organization, input.environment, input.api, input.revision);
  const existing = store.get<DeploymentRecord>(DEPLOYMENTS, key);
  if (!existing) throw new AdminError('RevisionNotDeployed', [input.revision, input.api, input.environment]);
  const where = { organization: input.organization, environment: input.environment, api: input.api };
  const before = ctx.list(input.organization, { environment: input.environment, api: input.api });
  const toHistoryOps = (ops: readonly StoreOp[]): DeployHistoryChange =>
    ctx.history.toAddition(toHistoryEntry(toUndeployHistoryBase(input), [toProxyHistory(where, before, ops)], { result: 'success' }));
  const delayMs = Math.max(0, input.delaySeconds ?? 0) * 1000;
  if (delayMs > 0 && existing.undeployAt === undefined) {
    // It keeps serving for the delay, then stops taking traffic and drains (the record carries the time, so a
    // restart completes it).
    const pending: DeploymentRecord = { ...existing, undeployAt: ctx.now() + delayMs, servesUntilUndeploy: true };
    const ops: StoreOp[] = [{ collection: DEPLOYMENTS, key, value: pending }];
    const history = toHistoryOps(ops);
    await ctx.commit([...ops, ...history.ops]);
    ctx.retirements.schedule(pending);
    logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision, delayMs, history: history.record.id }, 'undeploy scheduled');
    return pending;
  }
  const ops: StoreOp[] = [{ collection: DEPLOYMENTS, key, value: null }];
  const history = toHistoryOps(ops);
  await ctx.commit([...ops, ...history.ops]);
  ctx.retirements.cancel(runtime, toDeployedKey(input.api, input.revision));
  for (const old of runtime.swap({ remove: [toDeployedKey(input.api, input.revision)] })) ctx.retirements.drain(old);
  logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision, history: history.record.id }, 'undeployed');
  return existing;
}
