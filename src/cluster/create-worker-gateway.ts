// A data-plane worker: the listeners and the live state behind them, rebuilt from a replica of the primary's store and kept in step with it.
import type { Logger } from 'pino';
import type { BatonConfig } from '../config.js';
import { createEnvironmentListeners, type ListenerInfo } from '../create-environment-listeners.js';
import { createRuntimeCore, ensureVirtualHostCertificate } from '../create-runtime-core.js';
import type { Listener } from '../dataplane/create-listener.js';
import { createDeploymentReconciler, toDeploymentEnvironments } from '../deployments/create-deployment-reconciler.js';
import { DEPLOYMENTS } from '../deployments/deployment-records.js';
import { createMetrics, type Metrics } from '../metrics/create-metrics.js';
import { createDefaultPolicyRegistry } from '../policies/default-policy-registry.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import { REVISIONS } from '../revisions/revision-records.js';
import { createSharedFlowService } from '../sharedflows/create-shared-flow-service.js';
import { FLOW_HOOKS, SHARED_FLOW_DEPLOYMENTS } from '../sharedflows/shared-flow-records.js';
import { TARGET_SERVERS, type TargetServerRecord } from '../target-servers/target-server-records.js';
import type { ReplicaStore } from './create-replica-store.js';
import type { OpBatch } from './store-replication.js';

export interface WorkerGatewayDeps {
  readonly logger: Logger;
  readonly store: ReplicaStore;
  readonly now?: () => number;
  readonly registry?: PolicyRegistry;
}

export interface WorkerGateway {
  readonly listeners: readonly ListenerInfo[];
  readonly metrics: Metrics;
  /** Deployments that could not be restored at start-up. */
  readonly problems: readonly string[];
  /** Applies a committed batch to the replica, then to the live state it changes; resolves when requests see it. */
  apply(batch: OpBatch): Promise<void>;
  /** Stops accepting, lets in-flight requests finish up to the configured grace, drains and closes pools. */
  close(): Promise<void>;
}

export async function createWorkerGateway(config: BatonConfig, deps: WorkerGatewayDeps): Promise<WorkerGateway> {
  const { logger, store } = deps;
  const now = deps.now ?? Date.now;
  const registry = deps.registry ?? createDefaultPolicyRegistry();
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch((err: unknown) => logger.error({ err }, 'error while closing'));
  };
  try {
    // Deployed and leftover revisions are the primary's to report: summed across workers they would be counted twice.
    const metrics = createMetrics({
      leftoverRevisions: () => new Map(),
      deployedRevisions: () => new Map(),
      drainingRevisions: () => reconciler.countDraining(),
    });
    const { environments, runtimes, targetServerRegistry, policyRuntime, revisions, countedRegistry, tracing } = await createRuntimeCore({
      config, store, logger, now, registry, metrics, closers,
    });
    const reconciler = createDeploymentReconciler({ store, revisions, runtimes, logger, now, drainCeilingMs: config.timeouts.drainCeilingMs });
    closers.push(async () => {
      await reconciler.close();
      await Promise.all([...runtimes.values()].flatMap((r) => [...r.deployed.values()].map((d) => d.compiled.close())));
    });
    const sharedFlows = createSharedFlowService({
      store, registry: countedRegistry, bundleLimits: { maxZipBytes: config.limits.maxBundleBytes }, logger, now, runtimes,
      sharedFlowsOf: (organization, environment) => policyRuntime.sharedFlowsOf(organization, environment),
      // Changes are decided by the primary and arrive one batch at a time: nothing here runs concurrently with them.
      exclusive: (task) => task(),
      drainCeilingMs: config.timeouts.drainCeilingMs,
    });
    closers.push(() => sharedFlows.close());

    // Shared flows first: a proxy's FlowCallout compiles only against a deployed shared flow.
    const restoredSharedFlows = await sharedFlows.restore();
    const restored = await reconciler.reconcile();
    const problems = [
      ...restoredSharedFlows.failed.map((f) => `deployment of shared flow ${f.record.name} revision ${f.record.revision} in ${f.record.environment} could not be restored: ${f.reason}`),
      ...restored.failed.map((f) => `deployment of ${f.record.api} revision ${f.record.revision} in ${f.record.environment} could not be restored: ${f.reason}`),
    ];

    // The primary created the certificate before starting workers: this finds it.
    const selfSigned = await ensureVirtualHostCertificate(config, environments);
    const listeners: Listener[] = [];
    closers.push(async () => {
      await Promise.all(listeners.map((l) => l.close(config.timeouts.shutdownGraceMs)));
    });
    const listenerInfo = await createEnvironmentListeners({
      config, environments, runtimes, sharedFlowsOf: policyRuntime.sharedFlowsOf, metrics, logger, now, tracing, selfSigned, listeners,
    });

    // Batches are applied one at a time, in order: a reconcile always reads the replica its batch left.
    let applying: Promise<void> = Promise.resolve();
    const applyNow = async (batch: OpBatch): Promise<void> => {
      if (!store.apply(batch)) return;
      const touched = new Set(batch.ops.map((op) => op.collection));
      // Indexes that follow record by record: API keys (developers, apps, products), KVMs, TargetServers.
      policyRuntime.apiKeys.refresh(batch.ops);
      policyRuntime.kvms.refresh(batch.ops);
      for (const op of batch.ops) {
        if (op.collection !== TARGET_SERVERS) continue;
        const [organization, environment, ...name] = op.key.split('/');
        if (organization === undefined || environment === undefined) continue;
        targetServerRegistry.apply(store.get<TargetServerRecord>(TARGET_SERVERS, op.key) ?? null, { organization, environment, name: name.join('/') });
      }
      // Shared flows before proxies, as at start-up: a proxy's FlowCallout compiles only against a deployed shared flow.
      if (touched.has(SHARED_FLOW_DEPLOYMENTS) || touched.has(FLOW_HOOKS)) {
        const result = await sharedFlows.reconcile();
        for (const f of result.failed) logger.error({ sharedFlow: f.record.name, revision: f.record.revision, env: f.record.environment, reason: f.reason }, 'a shared flow deployment could not be applied in this worker');
      }
      if (touched.has(REVISIONS)) await reconciler.reconcile();
      else if (touched.has(DEPLOYMENTS)) await reconciler.reconcile(toDeploymentEnvironments(batch.ops.filter((op) => op.collection === DEPLOYMENTS).map((op) => op.key)));
    };
    return {
      listeners: listenerInfo,
      metrics,
      problems,
      apply(batch) {
        const next = applying.then(() => applyNow(batch));
        applying = next.catch((err: unknown) => logger.error({ err, seq: batch.seq }, 'applying a replicated change failed'));
        return next;
      },
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
