// Deploys and undeploys revisions per environment: compile beside the live state, persist, then swap; retire what left.
import type { Logger } from 'pino';
import type { LeftoverRevisionPolicy } from '../config.js';
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import { AdminError, BundleError } from '../errors.js';
import type { DeployedRevision } from '../dataplane/deployed-revision.js';
import type { RevisionRecord } from '../revisions/revision-records.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store, StoreOp } from '../store/store.js';
import { DEPLOYMENTS, normalizeDeploymentBasePath, toDeploymentKey, type DeploymentRecord } from './deployment-records.js';
import { toDeployedKey, type EnvironmentRuntime } from './environment-runtime.js';
import { createRetirements } from './retirements.js';

export interface DeploymentServiceDeps {
  readonly store: Store;
  readonly revisions: RevisionService;
  /** Runtimes by `${organization}/${environment}`. */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly logger: Logger;
  readonly now: () => number;
  /** Longest an undeployed revision waits for its in-flight requests before its target pools are destroyed. */
  readonly drainCeilingMs: number;
  /** What a deploy does with revisions of the same proxy it would leave deployed at other base paths. */
  readonly leftoverRevisions: LeftoverRevisionPolicy;
}

export interface DeployInput {
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  readonly basePath?: string;
  /** Replace revisions of the same proxy at the same base path (compat §3.4 step 3). */
  readonly override?: boolean;
  /** Seconds the replaced revisions stay deployed (without new traffic) before they are undeployed. */
  readonly delaySeconds?: number;
  readonly user: string;
  /** How the deploy history records this change (default: kind `deploy`, a description naming the source). */
  readonly history?: DeployHistoryNote;
}

/** What a caller tells the deploy history about a change it makes. */
export interface DeployHistoryNote {
  readonly kind: 'deploy' | 'undeploy' | 'promotion' | 'group' | 'rollback';
  readonly description?: string;
  /** A persistent record is never deleted by the retention limit. */
  readonly persistent?: boolean;
  /** What caused it, e.g. `promotion 7f3…` or `group payments`. */
  readonly source?: string;
}

export interface DeployResult {
  readonly deployed: DeploymentRecord;
  /** Revisions this deploy replaced, with their state at response time (compat §3.4 step 7). */
  readonly replaced: readonly DeploymentRecord[];
  /** False when the revision was already deployed there (idempotent). */
  readonly changed: boolean;
  /**
   * Revisions of the same proxy that stay deployed in the environment at other base paths (Apigee does not replace
   * them): leftover revisions, surfaced in the deploy response, the listings, the metrics and the log.
   */
  readonly leftovers: readonly DeploymentRecord[];
}

/** A content change of a stored revision, parsed but not yet stored (revisions/ stages it). */
export interface StagedRevisionContent {
  readonly record: RevisionRecord;
  readonly bundle: ProxyBundle;
  commit(): Promise<RevisionRecord>;
}

export interface DeploymentService {
  deploy(input: DeployInput): Promise<DeployResult>;
  /** With `delaySeconds`, the revision keeps serving until then, then stops taking traffic and drains. */
  undeploy(input: Omit<DeployInput, 'basePath' | 'override'>): Promise<DeploymentRecord>;
  /**
   * Runs a change of a stored revision's content with deployments held still. `apply` stores the new content and
   * serves it wherever the revision is deployed; it is compiled for every such environment first, and if any
   * compile fails nothing is stored and nothing changes. Lock order: this deployment lock first, then the
   * revision locks (stage inside `revisions.withRevisionLock` within the task).
   */
  changeRevision<T>(task: (apply: (staged: StagedRevisionContent) => Promise<RevisionRecord>) => Promise<T>): Promise<T>;
  /** Runs a task with deployments held still (deleting revisions and proxies checks deployments inside it). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  list(organization: string, filter?: { environment?: string; api?: string; revision?: number }): DeploymentRecord[];
  /** Live information about a deployed revision in an environment (in-flight requests, retirement, leftover). */
  inspect(record: DeploymentRecord): { inflight: number; retiringAt: number | undefined; leftover: boolean } | undefined;
  /** Leftover revisions per environment key `${organization}/${environment}` (for the metrics). */
  countLeftovers(): Map<string, number>;
  /** Compiles and serves every stored deployment (start-up); a revision that cannot run is logged and skipped. */
  restore(): Promise<{ restored: number; failed: Array<{ record: DeploymentRecord; reason: string }> }>;
  /** Waits for queued deployment changes and drains in progress (tests). */
  settle(): Promise<void>;
  /** Shutdown: waits for queued changes, forgets pending undeploy timers (the next start completes them), waits for drains. */
  close(): Promise<void>;
}

function describeBundleError(err: unknown): string {
  return err instanceof BundleError ? err.problems.map((p) => `${p.file}: ${p.message}`).join('; ') : (err as Error).message;
}

export function createDeploymentService(deps: DeploymentServiceDeps): DeploymentService {
  const { store, logger } = deps;
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

  const commit = async (ops: StoreOp[]): Promise<void> => {
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
    const prefix = filter?.environment ? `${organization}/${filter.environment}/` : `${organization}/`;
    return store.list<DeploymentRecord>(DEPLOYMENTS, { prefix })
      .map((e) => e.value)
      .filter((r) => (!filter?.api || r.api === filter.api) && (filter?.revision === undefined || r.revision === filter.revision));
  };

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

  const deployNow = async (input: DeployInput): Promise<DeployResult> => {
    const runtime = runtimeOf(input.organization, input.environment);
    const revision = loadRevision(input.organization, input.api, input.revision);
    if (revision.problems.length > 0) throw new BundleError(revision.problems);
    const basePath = normalizeDeploymentBasePath(input.basePath);
    const key = toDeploymentKey(input.organization, input.environment, input.api, input.revision);
    const existing = store.get<DeploymentRecord>(DEPLOYMENTS, key);
    if (existing && existing.basePath === basePath && existing.undeployAt === undefined) {
      return { deployed: existing, replaced: [], changed: false, leftovers: leftoversOf(input.organization, input.environment, input.api) };
    }

    const candidate = runtime.compile(input.api, input.revision, await deps.revisions.loadBundle(revision), basePath);
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
    const wouldRemain = [...runtime.deployed.values()]
      .filter((d) => d.compiled.apiName === input.api && d.compiled.revision !== input.revision)
      .map((d) => toDeployedKey(d.compiled.apiName, d.compiled.revision))
      .filter((k) => !replacedKeys.includes(k));
    if (wouldRemain.length > 0 && deps.leftoverRevisions === 'refuse') {
      void candidate.compiled.close();
      const names = wouldRemain.map((k) => `revision ${k.slice(k.lastIndexOf('/') + 1)}`).join(', ');
      throw new AdminError('LeftoverRevisionRefused', [input.revision, input.api, names, input.environment]);
    }
    if (deps.leftoverRevisions === 'undeploy') replacedKeys.push(...wouldRemain);
    const now = deps.now();
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
    try {
      await commit([
        { collection: DEPLOYMENTS, key, value: record },
        ...replaced.map((r) => ({ collection: DEPLOYMENTS, key: toDeploymentKey(r.organization, r.environment, r.api, r.revision), value: r })),
      ]);
    } catch (err) {
      void candidate.compiled.close();
      throw err;
    }
    retirements.cancel(runtime, ownKey);
    const removed = runtime.swap({ add: [candidate], remove: replacedKeys });
    for (const old of removed) {
      const oldRecord = replaced.find((r) => r.revision === old.compiled.revision && r.api === old.compiled.apiName);
      if (oldRecord) retirements.retire(runtime, old, oldRecord);
      else retirements.drain(old);
    }
    logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision, basePath, replaced: replaced.map((r) => r.revision) }, 'deployed');
    const leftovers = leftoversOf(input.organization, input.environment, input.api);
    if (leftovers.length > 0) {
      logger.warn({
        org: input.organization, env: input.environment, api: input.api, revision: input.revision, basePath,
        leftovers: leftovers.map((r) => ({ revision: r.revision, basePath: r.basePath })),
      }, 'leftover revisions: other revisions of this proxy stay deployed at other base paths');
    }
    return { deployed: record, replaced, changed: true, leftovers };
  };

  const undeployNow = async (input: Omit<DeployInput, 'basePath' | 'override'>): Promise<DeploymentRecord> => {
    const runtime = runtimeOf(input.organization, input.environment);
    loadRevision(input.organization, input.api, input.revision);
    const key = toDeploymentKey(input.organization, input.environment, input.api, input.revision);
    const existing = store.get<DeploymentRecord>(DEPLOYMENTS, key);
    if (!existing) throw new AdminError('RevisionNotDeployed', [input.revision, input.api, input.environment]);
    const delayMs = Math.max(0, input.delaySeconds ?? 0) * 1000;
    if (delayMs > 0 && existing.undeployAt === undefined) {
      // It keeps serving for the delay, then stops taking traffic and drains (the record carries the time, so a
      // restart completes it).
      const pending: DeploymentRecord = { ...existing, undeployAt: deps.now() + delayMs, servesUntilUndeploy: true };
      await commit([{ collection: DEPLOYMENTS, key, value: pending }]);
      retirements.schedule(pending);
      logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision, delayMs }, 'undeploy scheduled');
      return pending;
    }
    await commit([{ collection: DEPLOYMENTS, key, value: null }]);
    retirements.cancel(runtime, toDeployedKey(input.api, input.revision));
    for (const old of runtime.swap({ remove: [toDeployedKey(input.api, input.revision)] })) retirements.drain(old);
    logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision }, 'undeployed');
    return existing;
  };

  const applyNow = async (staged: StagedRevisionContent): Promise<RevisionRecord> => {
    const { organization, api, revision } = staged.record;
    const records = list(organization, { api, revision }).filter((r) => r.undeployAt === undefined || r.servesUntilUndeploy);
    if (records.length > 0 && staged.record.problems.length > 0) throw new BundleError(staged.record.problems);
    const compiled: Array<{ runtime: EnvironmentRuntime; deployed: DeployedRevision }> = [];
    try {
      for (const r of records) {
        const runtime = runtimeOf(organization, r.environment);
        compiled.push({ runtime, deployed: runtime.compile(api, revision, staged.bundle, r.basePath) });
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
    deploy: (input) => serialize(() => deployNow(input)),
    undeploy: (input) => serialize(() => undeployNow(input)),
    changeRevision: (task) => serialize(() => task(applyNow)),
    exclusive: (task) => serialize(task),
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
            add.push(runtime.compile(record.api, record.revision, await deps.revisions.loadBundle(revision), record.basePath));
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
