// Deploys and undeploys shared flow revisions per environment: compile beside the live one, store, swap, drain; restore at start-up.
import type { SharedFlowBundle } from '../bundle/shared-flow-bundle.js';
import type { FlowCalloutConfig } from '../policies/flow-callout/parse.js';
import { AdminError, BundleError, type BundleProblem } from '../errors.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import { compileSharedFlow, toCalledSharedFlows } from './compile-shared-flow.js';
import { SHARED_FLOW_DEPLOYMENTS, toSharedFlowDeploymentKey, type SharedFlowDeploymentRecord, type SharedFlowRevisionRecord } from './shared-flow-records.js';
import type { DeployedSharedFlow, SharedFlowRegistry } from './create-shared-flow-registry.js';
import type { SharedFlowService, SharedFlowServiceDeps } from './shared-flow-service.js';

export interface SharedFlowDeploymentContext {
  readonly deps: SharedFlowServiceDeps;
  /** SharedFlowDoesNotExist, then SharedFlowRevisionDoesNotExist (404). */
  loadRevision(organization: string, name: string, revision: number): SharedFlowRevisionRecord;
  loadBundle(record: SharedFlowRevisionRecord): Promise<SharedFlowBundle>;
  /** StoreFailure (500) when the commit fails. */
  commit: SharedFlowServiceDeps['store']['commit'];
}

type Deployments = Pick<SharedFlowService, 'deploy' | 'undeploy' | 'listDeployments' | 'restore' | 'reconcile' | 'close'> & {
  /** The environment's runtime and live registry; EnvironmentDoesNotExist (404). */
  environmentOf(organization: string, environment: string): { runtime: EnvironmentRuntime; registry: SharedFlowRegistry };
};

/** A path from `name` back to itself through the flows' FlowCallouts, with `name` calling `calls`; undefined when there is none. */
function findCycle(registry: SharedFlowRegistry, name: string, calls: readonly string[]): string[] | undefined {
  const callsOf = (flow: string): readonly string[] => (flow === name ? calls : registry.deployed.get(flow)?.calls ?? []);
  const visited = new Set<string>();
  const visit = (flow: string, path: string[]): string[] | undefined => {
    for (const callee of callsOf(flow)) {
      if (callee === name) return [...path, callee];
      if (visited.has(callee)) continue;
      visited.add(callee);
      const found = visit(callee, [...path, callee]);
      if (found) return found;
    }
    return undefined;
  };
  return visit(name, [name]);
}

export function createSharedFlowDeployments(ctx: SharedFlowDeploymentContext): Deployments {
  const { deps } = ctx;
  const { store, logger } = deps;
  const drains = new Set<Promise<void>>();

  const environmentOf = (organization: string, environment: string) => {
    const runtime = deps.runtimes.get(`${organization}/${environment}`);
    if (!runtime) throw new AdminError('EnvironmentDoesNotExist', [environment, organization]);
    return { runtime, registry: deps.sharedFlowsOf(organization, environment) };
  };

  /** Waits for the revision's runs in flight (up to the drain ceiling), then releases its policies. */
  const drain = (flow: DeployedSharedFlow): void => {
    let timer: NodeJS.Timeout | undefined;
    const ceiling = new Promise<'ceiling'>((resolve) => {
      timer = setTimeout(() => resolve('ceiling'), deps.drainCeilingMs);
      timer.unref();
    });
    const done: Promise<void> = Promise.race([flow.whenIdle().then(() => 'idle' as const), ceiling])
      .then((outcome) => {
        clearTimeout(timer);
        return outcome === 'idle' ? flow.compiled.close() : flow.compiled.destroy();
      })
      .catch((err: unknown) => logger.error({ err, sharedFlow: flow.name, revision: flow.revision }, 'releasing a replaced shared flow revision failed'))
      .finally(() => drains.delete(done));
    drains.add(done);
  };

  const compile = async (organization: string, environment: string, record: SharedFlowRevisionRecord): Promise<DeployedSharedFlow> => {
    const { runtime, registry } = environmentOf(organization, environment);
    const bundle = await ctx.loadBundle(record);
    const candidate = compileSharedFlow(runtime, registry, record.name, record.revision, bundle);
    const cycle = findCycle(registry, record.name, candidate.calls);
    if (cycle) {
      void candidate.compiled.close();
      const policy = bundle.policies.find((p) => p.type === 'FlowCallout' && (p.config as FlowCalloutConfig).sharedFlowBundle === cycle[1]);
      const problem: BundleProblem = { file: policy?.file ?? `${record.name}.xml`, message: `FlowCallout${policy ? ` ${policy.name}` : ''} would make SharedFlow ${record.name} call itself: ${cycle.join(' → ')}` };
      throw new BundleError([problem]);
    }
    return candidate;
  };

  const listDeployments: Deployments['listDeployments'] = (organization, filter) => {
    const prefix = filter?.environment ? `${organization}/${filter.environment}/` : `${organization}/`;
    return store.list<SharedFlowDeploymentRecord>(SHARED_FLOW_DEPLOYMENTS, { prefix })
      .map((e) => e.value)
      .filter((r) => r.organization === organization && (!filter?.name || r.name === filter.name));
  };

  /** Start-up, and a worker following the primary: installs what the records add or change, removes what they dropped. */
  const reconcile: Deployments['reconcile'] = async () => {
    const failed: Array<{ record: SharedFlowDeploymentRecord; reason: string }> = [];
    let restored = 0;
    for (const key of deps.runtimes.keys()) {
      const [organization, environment] = key.split('/') as [string, string];
      const { registry } = environmentOf(organization, environment);
      const records = listDeployments(organization, { environment });
      const wanted = new Set(records.map((r) => r.name));
      for (const name of [...registry.deployed.keys()]) {
        if (wanted.has(name)) continue;
        const old = registry.remove(name);
        if (old) drain(old);
      }
      // A shared flow whose FlowCallouts call others compiles after them: passes until one restores nothing new.
      let pending: Array<{ record: SharedFlowDeploymentRecord; revision: SharedFlowRevisionRecord; calls: string[] }> = [];
      for (const record of records) {
        if (registry.deployed.get(record.name)?.revision === record.revision) continue;
        try {
          const revision = ctx.loadRevision(organization, record.name, record.revision);
          pending.push({ record, revision, calls: toCalledSharedFlows(await ctx.loadBundle(revision)) });
        } catch (err) {
          failed.push({ record, reason: (err as Error).message });
        }
      }
      for (let progress = true; progress && pending.length > 0;) {
        progress = false;
        for (const item of [...pending]) {
          if (!item.calls.every((callee) => registry.deployed.has(callee))) continue;
          pending = pending.filter((p) => p !== item);
          progress = true;
          try {
            const replaced = registry.install(await compile(organization, environment, item.revision));
            if (replaced) drain(replaced);
            restored++;
          } catch (err) {
            failed.push({ record: item.record, reason: err instanceof BundleError ? err.problems.map((p) => `${p.file}: ${p.message}`).join('; ') : (err as Error).message });
          }
        }
      }
      for (const item of pending) failed.push({ record: item.record, reason: `it calls shared flows that are not deployed: ${item.calls.filter((c) => !registry.deployed.has(c)).join(', ')}` });
    }
    for (const { record, reason } of failed) {
      logger.error({ org: record.organization, env: record.environment, sharedFlow: record.name, revision: record.revision, reason }, 'a stored shared flow deployment could not be restored');
    }
    return { restored, failed };
  };

  return {
    environmentOf,
    listDeployments,
    deploy: (input) => deps.exclusive(async () => {
      const { organization, environment, name, revision } = input;
      const { registry } = environmentOf(organization, environment);
      const record = ctx.loadRevision(organization, name, revision);
      if (record.problems.length > 0) throw new BundleError(record.problems);
      const key = toSharedFlowDeploymentKey(organization, environment, name);
      const current = store.get<SharedFlowDeploymentRecord>(SHARED_FLOW_DEPLOYMENTS, key);
      if (current?.revision === revision) return { deployed: current, replaced: undefined, changed: false };
      if (current && !input.override) throw new AdminError('SharedFlowRevisionDeployed', [current.revision, name, environment]);
      const candidate = await compile(organization, environment, record);
      const deployed: SharedFlowDeploymentRecord = { organization, environment, name, revision, deployedAt: deps.now(), deployedBy: input.user };
      try {
        await ctx.commit([{ collection: SHARED_FLOW_DEPLOYMENTS, key, value: deployed }]);
      } catch (err) {
        void candidate.compiled.close();
        throw err;
      }
      const old = registry.install(candidate);
      if (old) drain(old);
      logger.info({ org: organization, env: environment, sharedFlow: name, revision, replaced: current?.revision }, 'shared flow deployed');
      return { deployed, replaced: current, changed: true };
    }),
    undeploy: (input) => deps.exclusive(async () => {
      const { organization, environment, name, revision } = input;
      const { registry } = environmentOf(organization, environment);
      ctx.loadRevision(organization, name, revision);
      const key = toSharedFlowDeploymentKey(organization, environment, name);
      const current = store.get<SharedFlowDeploymentRecord>(SHARED_FLOW_DEPLOYMENTS, key);
      if (current?.revision !== revision) throw new AdminError('RevisionNotDeployed', [revision, name, environment]);
      const hooks = [...registry.hooks].filter(([, hook]) => hook.sharedFlow === name).map(([point]) => point);
      const users = [...registry.callersOf(name), ...hooks];
      if (users.length > 0) throw new AdminError('SharedFlowInUse', [name, environment, users.join(', ')], { details: { usedBy: users } });
      await ctx.commit([{ collection: SHARED_FLOW_DEPLOYMENTS, key, value: null }]);
      const old = registry.remove(name);
      if (old) drain(old);
      logger.info({ org: organization, env: environment, sharedFlow: name, revision }, 'shared flow undeployed');
      return current;
    }),
    async restore() {
      return reconcile();
    },
    reconcile,
    async close() {
      await Promise.all([...drains]);
      for (const key of deps.runtimes.keys()) {
        const [organization, environment] = key.split('/') as [string, string];
        const registry = deps.sharedFlowsOf(organization, environment);
        await Promise.allSettled([...registry.deployed.values()].map((flow) => flow.compiled.close()));
      }
    },
  };
}
