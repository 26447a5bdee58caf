// A data-plane worker's deployments: brings each environment's live revisions to what the replicated deployment records say, one swap per change.
import type { Logger } from 'pino';
import type { DeployedRevision } from '../dataplane/deployed-revision.js';
import { BundleError } from '../errors.js';
import { toGroupPolicies } from '../groups/to-group-policies.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store } from '../store/store.js';
import { DEPLOYMENTS, type DeploymentRecord } from './deployment-records.js';
import { toDeployedKey, type EnvironmentRuntime } from './environment-runtime.js';
import { createRetirements } from './retirements.js';

export interface DeploymentReconcilerDeps {
  /** A replica of the primary's store: the primary decides, this side follows. */
  readonly store: Store;
  readonly revisions: Pick<RevisionService, 'getRevision' | 'loadBundle'>;
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly logger: Logger;
  readonly now: () => number;
  readonly drainCeilingMs: number;
}

export interface DeploymentReconciler {
  /**
   * Compiles what the records add or change and swaps it in together with what they remove, in one step per
   * environment (new before old is gone, so no request finds neither); removed revisions drain. Environments
   * default to all. A revision that cannot be compiled is reported; whatever served its place keeps serving.
   */
  reconcile(environments?: ReadonlySet<string>): Promise<{ applied: number; failed: Array<{ record: DeploymentRecord; reason: string }> }>;
  countDraining(): Map<string, number>;
  /** Waits for the drains in progress. */
  close(): Promise<void>;
}

/** What makes a live revision stale: new content, another base path, other group settings. */
function toSignature(record: DeploymentRecord, sha256: string): string {
  return JSON.stringify([sha256, record.basePath, record.group ?? null]);
}

/** The environment keys (`org/env`) a batch of deployment record keys (`org/env/api/revision`) touches. */
export function toDeploymentEnvironments(keys: Iterable<string>): Set<string> {
  const environments = new Set<string>();
  for (const key of keys) {
    const [organization, environment] = key.split('/');
    if (organization !== undefined && environment !== undefined) environments.add(`${organization}/${environment}`);
  }
  return environments;
}

export function createDeploymentReconciler(deps: DeploymentReconcilerDeps): DeploymentReconciler {
  const { store, logger } = deps;
  // The primary completes delayed undeploys by deleting the record; this side only drains.
  const retirements = createRetirements({ logger, now: deps.now, drainCeilingMs: deps.drainCeilingMs, onUndeployDue: async () => undefined });
  const live = new Map<EnvironmentRuntime, Map<string, string>>();

  const reconcileEnvironment = async (runtimeKey: string, runtime: EnvironmentRuntime, failed: Array<{ record: DeploymentRecord; reason: string }>): Promise<number> => {
    const signatures = live.get(runtime) ?? new Map<string, string>();
    live.set(runtime, signatures);
    const desired = new Map<string, DeploymentRecord>();
    for (const { value: record } of store.list<DeploymentRecord>(DEPLOYMENTS, { prefix: `${runtimeKey}/` })) {
      // A replaced revision gets no new traffic; one undeployed with a delay serves until its record goes.
      if (record.undeployAt === undefined || record.servesUntilUndeploy) desired.set(toDeployedKey(record.api, record.revision), record);
    }
    const add: DeployedRevision[] = [];
    const addedSignatures = new Map<string, string>();
    const keep = new Set<string>();
    for (const [key, record] of desired) {
      const revision = deps.revisions.getRevision(record.organization, record.api, record.revision);
      const signature = revision ? toSignature(record, revision.sha256) : undefined;
      if (signature !== undefined && signatures.get(key) === signature) continue;
      try {
        if (!revision || signature === undefined) throw new Error('its revision record is missing');
        const bundle = await deps.revisions.loadBundle(revision);
        add.push(runtime.compile(record.api, record.revision, bundle, record.basePath, toGroupPolicies(record.group)));
        addedSignatures.set(key, signature);
      } catch (err) {
        const reason = err instanceof BundleError ? err.problems.map((p) => `${p.file}: ${p.message}`).join('; ') : (err as Error).message;
        failed.push({ record, reason });
        keep.add(key);
        logger.error({ org: record.organization, env: record.environment, api: record.api, revision: record.revision, reason }, 'a deployment could not be applied in this worker');
      }
    }
    const remove = [...signatures.keys()].filter((key) => !desired.has(key) && !keep.has(key));
    if (add.length === 0 && remove.length === 0) return 0;
    let removed: DeployedRevision[];
    try {
      removed = runtime.swap({ add, remove });
    } catch (err) {
      for (const deployed of add) void deployed.compiled.close();
      throw err;
    }
    for (const key of remove) signatures.delete(key);
    for (const [key, signature] of addedSignatures) signatures.set(key, signature);
    for (const old of removed) retirements.drain(old);
    return add.length + remove.length;
  };

  return {
    async reconcile(environments) {
      const failed: Array<{ record: DeploymentRecord; reason: string }> = [];
      let applied = 0;
      for (const [runtimeKey, runtime] of deps.runtimes) {
        if (environments && !environments.has(runtimeKey)) continue;
        applied += await reconcileEnvironment(runtimeKey, runtime, failed);
      }
      return { applied, failed };
    },
    countDraining: () => retirements.countDraining(),
    close: () => retirements.close(),
  };
}
