// Deploys and undeploys revisions per environment: compile beside the live state, persist, then swap; drain what left.
import type { Logger } from 'pino';
import { AdminError, BundleError } from '../errors.js';
import type { DeployedRevision } from '../dataplane/deployed-revision.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store } from '../store/store.js';
import { DEPLOYMENTS, normalizeDeploymentBasePath, toDeploymentKey, type DeploymentRecord } from './deployment-records.js';
import { toDeployedKey, type EnvironmentRuntime } from './environment-runtime.js';

export interface DeploymentServiceDeps {
  readonly store: Store;
  readonly revisions: RevisionService;
  /** Runtimes by `${organization}/${environment}`. */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly logger: Logger;
  readonly now: () => number;
  /** Longest an undeployed revision waits for its in-flight requests before its pools are closed anyway. */
  readonly drainCeilingMs: number;
}

export interface DeployInput {
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  readonly basePath?: string;
  readonly user: string;
}

export interface DeploymentService {
  deploy(input: DeployInput): Promise<DeploymentRecord>;
  undeploy(input: Omit<DeployInput, 'basePath'>): Promise<DeploymentRecord>;
  list(organization: string, filter?: { environment?: string; api?: string }): DeploymentRecord[];
  /** Compiles and serves every stored deployment (start-up); a revision that cannot run is logged and skipped. */
  restore(): Promise<{ restored: number; failed: Array<{ record: DeploymentRecord; reason: string }> }>;
  /** Waits for drains in progress (shutdown, tests). */
  settle(): Promise<void>;
}

export function createDeploymentService(deps: DeploymentServiceDeps): DeploymentService {
  const { store, logger } = deps;
  /** Deploys to one environment are serialized (a chain per environment). */
  const chains = new Map<string, Promise<unknown>>();
  const drains = new Set<Promise<void>>();

  const serialize = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (chains.get(key) ?? Promise.resolve()).catch(() => {}).then(work);
    chains.set(key, next);
    return next;
  };

  const runtimeOf = (organization: string, environment: string): EnvironmentRuntime => {
    const runtime = deps.runtimes.get(`${organization}/${environment}`);
    if (!runtime) throw new AdminError('EnvironmentDoesNotExist', [environment, organization]);
    return runtime;
  };

  const drain = (revisions: readonly DeployedRevision[]): void => {
    for (const deployed of revisions) {
      let timer: NodeJS.Timeout | undefined;
      const ceiling = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deps.drainCeilingMs);
        timer.unref();
      });
      const done = Promise.race([deployed.whenIdle(), ceiling])
        .then(() => {
          clearTimeout(timer);
          return deployed.compiled.close();
        })
        .catch((err: unknown) => logger.error({ err }, 'closing an undeployed revision failed'))
        .finally(() => drains.delete(done));
      drains.add(done);
    }
  };

  const list: DeploymentService['list'] = (organization, filter) => {
    const prefix = filter?.environment ? `${organization}/${filter.environment}/` : `${organization}/`;
    return store.list<DeploymentRecord>(DEPLOYMENTS, { prefix }).map((e) => e.value).filter((r) => !filter?.api || r.api === filter.api);
  };

  const deployNow = async (input: DeployInput): Promise<DeploymentRecord> => {
    const runtime = runtimeOf(input.organization, input.environment);
    if (!deps.revisions.getApi(input.organization, input.api)) throw new AdminError('ApplicationDoesNotExist', [input.api, input.organization]);
    const revision = deps.revisions.getRevision(input.organization, input.api, input.revision);
    if (!revision) throw new AdminError('RevisionDoesNotExist', [input.revision, input.api, input.organization]);
    if (revision.problems.length > 0) throw new BundleError(revision.problems);
    const basePath = normalizeDeploymentBasePath(input.basePath);
    const key = toDeploymentKey(input.organization, input.environment, input.api, input.revision);
    const existing = store.get<DeploymentRecord>(DEPLOYMENTS, key);
    if (existing && existing.basePath === basePath) return existing;

    const bundle = await deps.revisions.loadBundle(revision);
    const candidate = runtime.compile(input.api, input.revision, bundle, basePath);
    const ownKey = toDeployedKey(input.api, input.revision);
    const conflict = runtime.findConflicts(candidate, new Set([ownKey]))[0];
    if (conflict) {
      void candidate.compiled.close();
      const other = conflict.deployed.compiled;
      throw new AdminError('BasePathConflict', [conflict.basePath, other.revision, other.apiName, input.organization]);
    }
    const record: DeploymentRecord = {
      organization: input.organization, environment: input.environment, api: input.api, revision: input.revision,
      basePath, deployedAt: deps.now(), deployedBy: input.user,
    };
    try {
      await store.commit([{ collection: DEPLOYMENTS, key, value: record }]);
    } catch (err) {
      void candidate.compiled.close();
      throw new AdminError('StoreFailure', [], { cause: err });
    }
    drain(runtime.swap({ add: [candidate] }));
    logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision, basePath }, 'deployed');
    return record;
  };

  const undeployNow = async (input: Omit<DeployInput, 'basePath'>): Promise<DeploymentRecord> => {
    const runtime = runtimeOf(input.organization, input.environment);
    if (!deps.revisions.getApi(input.organization, input.api)) throw new AdminError('ApplicationDoesNotExist', [input.api, input.organization]);
    const key = toDeploymentKey(input.organization, input.environment, input.api, input.revision);
    const existing = store.get<DeploymentRecord>(DEPLOYMENTS, key);
    if (!existing) throw new AdminError('RevisionNotDeployed', [input.revision, input.api, input.environment]);
    try {
      await store.commit([{ collection: DEPLOYMENTS, key, value: null }]);
    } catch (err) {
      throw new AdminError('StoreFailure', [], { cause: err });
    }
    drain(runtime.swap({ remove: [toDeployedKey(input.api, input.revision)] }));
    logger.info({ org: input.organization, env: input.environment, api: input.api, revision: input.revision }, 'undeployed');
    return existing;
  };

  return {
    deploy: (input) => serialize(`${input.organization}/${input.environment}`, () => deployNow(input)),
    undeploy: (input) => serialize(`${input.organization}/${input.environment}`, () => undeployNow(input)),
    list,
    async restore() {
      const failed: Array<{ record: DeploymentRecord; reason: string }> = [];
      let restored = 0;
      for (const [runtimeKey, runtime] of deps.runtimes) {
        const [organization, environment] = runtimeKey.split('/') as [string, string];
        const add: DeployedRevision[] = [];
        for (const record of list(organization, { environment })) {
          try {
            const revision = deps.revisions.getRevision(organization, record.api, record.revision);
            if (!revision) throw new Error('its revision record is missing');
            const candidate = runtime.compile(record.api, record.revision, await deps.revisions.loadBundle(revision), record.basePath);
            add.push(candidate);
          } catch (err) {
            const reason = err instanceof BundleError ? err.problems.map((p) => `${p.file}: ${p.message}`).join('; ') : (err as Error).message;
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
      await Promise.all([...chains.values()].map((c) => c.catch(() => {})));
      await Promise.all([...drains]);
    },
  };
}
