// Deploys and undeploys revisions per environment, one change at a time, each with its deploy history record; retires what left.
import { AdminError, BundleError } from '../errors.js';
import type { DeployedRevision } from '../dataplane/deployed-revision.js';
import { toGroupPolicies } from '../groups/to-group-policies.js';
import { createDeployHistory } from '../history/deploy-history.js';
import type { RevisionRecord } from '../revisions/revision-records.js';
import type { StoreOp } from '../store/store.js';
import { applyEnvironmentChange, toEnvironmentChangeHistoryBase } from './apply-environment-change.js';
import { deployRevision, toDeployHistoryBase, toUndeployHistoryBase, undeployRevision } from './deploy-revision.js';
import type { DeploymentContext } from './deployment-context.js';
import { DEPLOYMENTS, toDeploymentKeyPrefix, toDeploymentKey, type DeploymentRecord } from './deployment-records.js';
import { toDeployedKey, type EnvironmentRuntime } from './environment-runtime.js';
import { createRetirements } from './retirements.js';
import { findRollbackTarget, rollbackToHistory, toRollbackHistoryBase } from './rollback-to-history.js';
import { toFailureReason, toHistoryEntry, toUnchangedProxyHistory, type HistoryEntryBase } from './to-history-entry.js';
import type { DeploymentServiceDeps, StagedRevisionContent, DeploymentService } from './deployment-service.js';
import type { DeploymentOperation } from '../metrics/deployment-metrics.js';

function describeBundleError(err: unknown): string {
  return err instanceof BundleError ? err.problems.map((p) => `${p.file}: ${p.message}`).join('; ') : (err as Error).message;
}

/** A change's failure gets its own history record (best effort), then the error goes on to the caller. */
async function withFailureRecord<T>(ctx: DeploymentContext, base: HistoryEntryBase, apis: readonly string[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await ctx.recordFailure(base, apis, err);
    throw err;
  }
}

export function createDeploymentService(deps: DeploymentServiceDeps): DeploymentService {
  const { store, logger } = deps;
  /** Times one change (from its turn in the queue) and counts it by result. */
  const observed = <T>(operation: DeploymentOperation, where: { organization: string; environment: string }, work: () => Promise<T>): Promise<T> => {
    const metrics = deps.metrics;
    if (!metrics) return work();
    const startedAt = performance.now();
    const report = (succeeded: boolean): void => metrics.observeChange(operation, where.organization, where.environment, succeeded, (performance.now() - startedAt) / 1000);
    return work().then((result) => {
      report(true);
      return result;
    }, (err: unknown) => {
      report(false);
      throw err;
    });
  };
  // Every deployment change runs alone: deploys, undeploys and content updates never interleave, so each one
  // reads the state the previous one left (serialized per environment and across them).
  let chain: Promise<unknown> = Promise.resolve();
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.catch(() => {}).then(work);
    chain = next;
    return next;
  };

  const runtimeOf = (organization: string, environment: string): EnvironmentRuntime => {
    const runtime = deps.runtimes.get(`${organization}/${environment}`);
    if (!runtime) throw new AdminError('EnvironmentDoesNotExist', [environment, organization]);
    return runtime;
  };

  const commit = async (ops: readonly StoreOp[]): Promise<void> => {
    try {
      await store.commit(ops);
    } catch (err) {
      throw new AdminError('StoreFailure', [], { cause: err });
    }
  };

  const retirements = createRetirements({
    logger,
    now: deps.now,
    drainCeilingMs: deps.drainCeilingMs,
    // At its undeploy time a replaced revision's record goes; a failed write is retried by the next start.
    onUndeployDue: (record) => serialize(async () => {
      const key = toDeploymentKey(record.organization, record.environment, record.api, record.revision);
      const current = store.get<DeploymentRecord>(DEPLOYMENTS, key);
      if (current?.undeployAt === undefined) return;
      await commit([{ collection: DEPLOYMENTS, key, value: null }]);
      // An undeploy with a delay kept serving until now: take it out of routing and drain it.
      const runtime = deps.runtimes.get(`${record.organization}/${record.environment}`);
      if (runtime) for (const old of runtime.swap({ remove: [toDeployedKey(record.api, record.revision)] })) retirements.drain(old);
      logger.info({ org: record.organization, env: record.environment, api: record.api, revision: record.revision }, 'replaced revision undeployed');
    }),
  });

  const list: DeploymentService['list'] = (organization, filter) => {
    // With environment and proxy the prefix narrows to that proxy's records: O(log n + its deployments).
    const prefix = filter?.environment
      ? (filter.api ? toDeploymentKeyPrefix(organization, filter.environment, filter.api) : `${organization}/${filter.environment}/`)
      : `${organization}/`;
    return store.list<DeploymentRecord>(DEPLOYMENTS, { prefix })
      .map((e) => e.value)
      .filter((r) => (!filter?.api || r.api === filter.api) && (filter?.revision === undefined || r.revision === filter.revision));
  };

  const history = createDeployHistory({ store, now: deps.now, retention: deps.historyRetention });

  /** Deployed revisions of the proxy in the environment that are not the one deployed last: they serve other base paths. */
  const leftoversOf = (organization: string, environment: string, api: string): DeploymentRecord[] => {
    const serving = list(organization, { environment, api }).filter((r) => r.undeployAt === undefined);
    if (serving.length < 2) return [];
    const latest = serving.reduce((a, b) => (b.deployedAt > a.deployedAt || (b.deployedAt === a.deployedAt && b.revision > a.revision) ? b : a));
    return serving.filter((r) => r !== latest);
  };

  const loadRevision = (organization: string, api: string, revision: number): RevisionRecord => {
    if (!deps.revisions.getApi(organization, api)) throw new AdminError('ApplicationDoesNotExist', [api, organization]);
    const record = deps.revisions.getRevision(organization, api, revision);
    if (!record) throw new AdminError('RevisionDoesNotExist', [revision, api, organization]);
    return record;
  };

  const ctx: DeploymentContext = {
    store, revisions: deps.revisions, logger, now: deps.now, leftoverRevisions: deps.leftoverRevisions, retirements, history,
    runtimeOf, loadRevision, commit, list, leftoversOf,
    async recordFailure(base, apis, err) {
      // An environment that does not exist has no history to record in.
      if (!deps.runtimes.has(`${base.organization}/${base.environment}`)) return;
      const proxies = apis.map((api) => toUnchangedProxyHistory(api, list(base.organization, { environment: base.environment, api })));
      const failure = history.toAddition(toHistoryEntry(base, proxies, { result: 'failure', reason: toFailureReason(err) }));
      await store.commit(failure.ops).catch((commitErr: unknown) => {
        logger.error({ err: commitErr, org: base.organization, env: base.environment }, 'recording a failed deployment change in the deploy history failed');
      });
    },
  };

  const applyNow = async (staged: StagedRevisionContent): Promise<RevisionRecord> => {
    const { organization, api, revision } = staged.record;
    const records = list(organization, { api, revision }).filter((r) => r.undeployAt === undefined || r.servesUntilUndeploy);
    if (records.length > 0 && staged.record.problems.length > 0) throw new BundleError(staged.record.problems);
    const compiled: Array<{ runtime: EnvironmentRuntime; deployed: DeployedRevision }> = [];
    try {
      for (const r of records) {
        const runtime = runtimeOf(organization, r.environment);
        compiled.push({ runtime, deployed: runtime.compile(api, revision, staged.bundle, r.basePath, toGroupPolicies(r.group)) });
      }
    } catch (err) {
      for (const c of compiled) void c.deployed.compiled.close();
      throw err;
    }
    let stored: RevisionRecord;
    try {
      stored = await staged.commit();
    } catch (err) {
      for (const c of compiled) void c.deployed.compiled.close();
      throw err;
    }
    for (const { runtime, deployed } of compiled) {
      for (const old of runtime.swap({ add: [deployed] })) retirements.drain(old);
    }
    if (compiled.length > 0) logger.info({ org: organization, api, revision, environments: records.map((r) => r.environment) }, 'redeployed a revision with its new content');
    return stored;
  };

  return {
    deploy: (input) => serialize(() => observed('deploy', input, () => withFailureRecord(ctx, toDeployHistoryBase(input), [input.api], () => deployRevision(ctx, input)))),
    undeploy: (input) => serialize(() => observed('undeploy', input, () => withFailureRecord(ctx, toUndeployHistoryBase(input), [input.api], () => undeployRevision(ctx, input)))),
    changeRevision: (task) => serialize(() => task(applyNow)),
    exclusive: (task) => serialize(task),
    applyEnvironmentChange: (input) => serialize(() => observed('change', input, () =>
      withFailureRecord(ctx, toEnvironmentChangeHistoryBase(input), input.changes.map((c) => c.api), () => applyEnvironmentChange(ctx, input)))),
    rollback: (input) => serialize(() => observed('rollback', input, async () => {
      const target = findRollbackTarget(ctx, input);
      const result = await withFailureRecord(ctx, toRollbackHistoryBase(input), target.proxies.map((p) => p.api), () => rollbackToHistory(ctx, input, target));
      return { ...result, target };
    })),
    // Serialized like every change: the retention pruning reads what the previous commit left.
    recordHistoryNote: (input) => serialize(async () => {
      const { organization, environment, user, history: note } = input;
      const base: HistoryEntryBase = { organization, environment, user, note, kind: note.kind, description: note.description };
      runtimeOf(organization, environment);
      const proxy = toUnchangedProxyHistory(input.api, list(organization, { environment, api: input.api }));
      const addition = history.toAddition(toHistoryEntry(base, [proxy], { result: 'success' }));
      await commit([...(input.ops ?? []), ...addition.ops]);
      return addition.record;
    }),
    recordHistoryFailure: (input) => serialize(() => {
      const { organization, environment, user, history: note } = input;
      return ctx.recordFailure({ organization, environment, user, note, kind: note.kind, description: note.description }, input.apis, input.error);
    }),
    markHistory: (input) => serialize(async () => {
      runtimeOf(input.organization, input.environment);
      const change = history.toPersistenceChange(input.organization, input.environment, input.id, input.persistent);
      if (!change) throw new AdminError('DeployHistoryRecordDoesNotExist', [input.id, input.environment]);
      await commit(change.ops);
      return change.record;
    }),
    listHistory: (organization, environment, filter) => history.list(organization, environment, filter),
    getHistory: (organization, environment, id) => history.get(organization, environment, id),
    list,
    inspect(record) {
      const runtime = deps.runtimes.get(`${record.organization}/${record.environment}`);
      const key = toDeployedKey(record.api, record.revision);
      const deployed = runtime?.deployed.get(key);
      if (deployed) {
        const leftover = leftoversOf(record.organization, record.environment, record.api).some((r) => r.revision === record.revision);
        return { inflight: deployed.inflight, retiringAt: record.undeployAt, leftover };
      }
      const retiring = runtime ? retirements.get(runtime, key) : undefined;
      return retiring ? { inflight: retiring.deployed.inflight, retiringAt: retiring.undeployAt, leftover: false } : undefined;
    },
    countDraining: () => retirements.countDraining(),
    countLeftovers() {
      const counts = new Map<string, number>();
      for (const key of deps.runtimes.keys()) {
        const [organization, environment] = key.split('/') as [string, string];
        const apis = new Set(list(organization, { environment }).map((r) => r.api));
        let count = 0;
        for (const api of apis) count += leftoversOf(organization, environment, api).length;
        counts.set(key, count);
      }
      return counts;
    },
    async restore() {
      const failed: Array<{ record: DeploymentRecord; reason: string }> = [];
      let restored = 0;
      for (const [runtimeKey, runtime] of deps.runtimes) {
        const [organization, environment] = runtimeKey.split('/') as [string, string];
        const add: DeployedRevision[] = [];
        for (const record of list(organization, { environment })) {
          // A replaced revision waiting for its undeploy gets no traffic after a restart: finish its undeploy.
          // One undeployed with a delay serves until its time comes.
          if (record.undeployAt !== undefined) {
            retirements.schedule(record);
            if (!record.servesUntilUndeploy) continue;
          }
          try {
            const revision = deps.revisions.getRevision(organization, record.api, record.revision);
            if (!revision) throw new Error('its revision record is missing');
            add.push(runtime.compile(record.api, record.revision, await deps.revisions.loadBundle(revision), record.basePath, toGroupPolicies(record.group)));
          } catch (err) {
            const reason = describeBundleError(err);
            failed.push({ record, reason });
            logger.error({ org: organization, env: environment, api: record.api, revision: record.revision, reason }, 'a stored deployment could not be restored');
          }
        }
        runtime.swap({ add });
        restored += add.length;
      }
      return { restored, failed };
    },
    async settle() {
      await chain.catch(() => {});
      await retirements.settle();
    },
    async close() {
      await chain.catch(() => {});
      await retirements.close();
    },
  };
}
