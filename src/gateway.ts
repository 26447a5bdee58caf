// createGateway wires store, revisions, deployments, environment listeners and the admin port; returns { close() }.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { BatonConfig } from './config.js';
import type { AccessService } from './access/access-service.js';
import { createAccessService } from './access/create-access-service.js';
import type { AdminDeps } from './admin/admin-deps.js';
import { createAdminServer, type AdminServer } from './admin/create-admin-server.js';
import { allAdminRoutes } from './admin/all-admin-routes.js';
import type { AuditLog } from './audit/audit-log.js';
import { createAuditLog } from './audit/create-audit-log.js';
import { createReplicationSource } from './cluster/create-replication-source.js';
import { startWorkerPool, type WorkerPool } from './cluster/create-worker-pool.js';
import { createEnvironmentListeners, type ListenerInfo } from './create-environment-listeners.js';
import type { Listener } from './dataplane/create-listener.js';
import { createDeploymentService } from './deployments/create-deployment-service.js';
import type { DeploymentService } from './deployments/deployment-service.js';
import { EnvironmentRuntime } from './deployments/environment-runtime.js';
import { startDemoTargets } from './demo/start-demo-targets.js';
import { createDeveloperService, type DeveloperService } from './developers/developer-service.js';
import { createMetrics, type Metrics } from './metrics/create-metrics.js';
import { createMetricsServer, type MetricsServer } from './metrics/create-metrics-server.js';
import { toTimedStore } from './store/to-timed-store.js';
import { createRuntimeCore, ensureVirtualHostCertificate } from './create-runtime-core.js';
import { createDefaultPolicyRegistry } from './policies/default-policy-registry.js';
import type { PolicyRegistry } from './policies/policy-registry.js';
import { createPromotionService } from './promotions/promotion-service.js';
import { createProxyGroupService, type ProxyGroupService } from './groups/proxy-group-service.js';
import type { RevisionService } from './revisions/revision-service.js';
import { createSharedFlowService } from './sharedflows/create-shared-flow-service.js';
import type { SharedFlowService } from './sharedflows/shared-flow-service.js';
import { seedSamples, type SeededSamples } from './seed-samples.js';
import { createFileStore } from './store/create-file-store.js';
import { createTargetServerService } from './target-servers/target-server-service.js';
import type { Store } from './store/store.js';

export type { ListenerInfo } from './create-environment-listeners.js';

export interface GatewayDeps {
  readonly logger: Logger;
  readonly now?: () => number;
  readonly registry?: PolicyRegistry;
  /** Replaces the embedded file store (tests, or a shared database later). */
  readonly store?: Store;
  /**
   * More than one: this process keeps the control plane (store, admin port, every service) and the data plane runs
   * in `count` cluster workers sharing the listeners, each following the store through replication (cluster/).
   */
  readonly workers?: WorkerOptions;
}

export interface WorkerOptions {
  readonly count: number;
  /** The worker entry module; default dist/cluster/worker-main.js beside this file. */
  readonly exec?: string;
  readonly execArgv?: readonly string[];
  /** Longest a change waits for a worker to apply it before that worker is replaced (default 30 s). */
  readonly applyTimeoutMs?: number;
}

const defaultApplyTimeoutMs = 30_000;


export interface Gateway {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly deployments: DeploymentService;
  readonly groups: ProxyGroupService;
  readonly sharedFlows: SharedFlowService;
  /** Developers, apps, API keys and API products (the Edge management API behind VerifyAPIKey). */
  readonly developers: DeveloperService;
  readonly access: AccessService;
  readonly audit: AuditLog;
  readonly metrics: Metrics;
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly listeners: readonly ListenerInfo[];
  /** The data-plane workers, when they run in their own processes (`workers.count` above 1). */
  readonly workers: Pick<WorkerPool, 'pids' | 'problems' | 'collectMetrics' | 'whenReplaced'> | undefined;
  readonly adminUrl: string;
  /** The metrics port's URL, when `metrics.port` is configured. */
  readonly metricsUrl: string | undefined;
  /** Where the self-signed certificate of the secure virtual hosts is, when one is used. */
  readonly selfSignedCertificate: string | undefined;
  readonly demoTargets: ReadonlyArray<{ name: string; port: number }>;
  /** The administrator's password when this start generated it (first start without one configured): print it once. */
  readonly generatedAdminPassword: string | undefined;
  /** The consumer key of the sample app, when this start created it (fresh data directory): print it once. */
  readonly sampleApiKey: string | undefined;
  /** Stops accepting, lets in-flight requests finish up to the configured grace, closes pools and the store. */
  close(): Promise<void>;
}

export async function createGateway(config: BatonConfig, deps: GatewayDeps): Promise<Gateway> {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const registry = deps.registry ?? createDefaultPolicyRegistry();
  const closers: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  // /readyz: starting until deployments are restored and every listener is up; stopping from the first close.
  let phase: 'starting' | 'ready' | 'stopping' = 'starting';
  let restoreProblems: string[] = [];
  // Idempotent: a second close (a second SIGTERM, a test's cleanup) waits for the first.
  const closeAll = (): Promise<void> => {
    phase = 'stopping';
    closing ??= (async () => {
      for (const close of [...closers].reverse()) await close().catch((err: unknown) => logger.error({ err }, 'error while closing'));
    })();
    return closing;
  };
  try {
    // Read at scrape time only: the closures see deployments and runtimes, declared below, by then.
    const metrics = createMetrics({
      leftoverRevisions: () => deployments.countLeftovers(),
      deployedRevisions: () => new Map([...runtimes].map(([key, runtime]) => [key, runtime.deployed.size])),
      drainingRevisions: () => deployments.countDraining(),
      ...(deps.workers && deps.workers.count > 1 ? { workers: () => pool?.collectMetrics() ?? Promise.resolve([]) } : {}),
    });
    const timedStore = toTimedStore(deps.store ?? await createFileStore(join(config.dataDir, 'store'), { logger }), metrics.store.observeWrite);
    // Clustered: every commit resolves only once each worker applied it, so an acknowledged change is live everywhere.
    let pool: WorkerPool | undefined;
    const replication = deps.workers && deps.workers.count > 1
      ? createReplicationSource(timedStore, (batch) => pool?.publish(batch) ?? Promise.resolve())
      : undefined;
    const store = replication?.store ?? timedStore;
    if (!deps.store) closers.push(() => store.close());
    const freshStore = store.list('apis').length === 0 && store.get('meta', 'samples') === undefined;

    const audit = createAuditLog(store, { now });
    const access = createAccessService({ config, store, audit, now });
    const { generatedAdminPassword } = await access.initialize();

    const { environments, runtimes, targetServerRegistry, policyRuntime, revisions, countedRegistry, tracing } = await createRuntimeCore({
      config, store, logger, now, registry, metrics, closers,
    });
    const developers = createDeveloperService({ store, keys: policyRuntime.apiKeys, organizations: config.organizations, now });
    const deployments = createDeploymentService({ store, revisions, runtimes, logger, now, drainCeilingMs: config.timeouts.drainCeilingMs, leftoverRevisions: config.deployments.leftoverRevisions, historyRetention: config.deployments.historyRetention, metrics: metrics.deployments });
    closers.push(async () => {
      await deployments.close();
      await Promise.all([...runtimes.values()].flatMap((r) => [...r.deployed.values()].map((d) => d.compiled.close())));
    });
    const sharedFlows = createSharedFlowService({
      store, registry: countedRegistry, bundleLimits: { maxZipBytes: config.limits.maxBundleBytes }, logger, now, runtimes,
      sharedFlowsOf: (organization, environment) => policyRuntime.sharedFlowsOf(organization, environment),
      exclusive: (task) => deployments.exclusive(task),
      drainCeilingMs: config.timeouts.drainCeilingMs,
    });
    closers.push(() => sharedFlows.close());
    // The admin port comes up first so probes see `starting`; until ready it answers only health and metrics.
    const listeners: Listener[] = [];
    const listenerInfo: ListenerInfo[] = [];
    const boundPort = (organization: string, environment: string, virtualHost: string): number | undefined =>
      listenerInfo.find((l) => l.organization === organization && l.environment === environment && l.virtualHost === virtualHost)?.port;
    const targetServers = createTargetServerService({ registry: targetServerRegistry, store, deployments, revisions, now });
    const promotions = createPromotionService({ store, revisions, deployments, runtimes, organizations: config.organizations, audit, logger, now });
    const groups = createProxyGroupService({ store, revisions, deployments, runtimes, leftoverRevisions: config.deployments.leftoverRevisions, logger, now });
    const adminDeps: AdminDeps = { config, store, revisions, deployments, promotions, groups, runtimes, access, audit, logger, now, boundPort, metrics, sharedFlows, developers, targetServers, kvms: policyRuntime.kvms };
    const admin: AdminServer = await createAdminServer({
      host: config.admin.host,
      port: config.admin.port,
      bodyLimitBytes: config.limits.maxBundleBytes,
      readiness: () => {
        const workerProblems = pool?.problems() ?? [];
        return { ready: phase === 'ready' && workerProblems.length === 0, phase, problems: [...store.health().problems, ...restoreProblems, ...workerProblems] };
      },
      deps: adminDeps,
      routes: allAdminRoutes,
    });
    closers.push(() => admin.close());
    logger.info({ url: admin.url }, 'admin API listening');
    let metricsServer: MetricsServer | undefined;
    if (config.metrics?.port !== undefined) {
      const server = await createMetricsServer({ host: config.metrics.host, port: config.metrics.port, registry: metrics.registry, render: () => metrics.render() });
      closers.push(() => server.close());
      metricsServer = server;
    }

    // Shared flows first: a proxy's FlowCallout compiles only against a deployed shared flow.
    const restoredSharedFlows = await sharedFlows.restore();
    const restored = await deployments.restore();
    restoreProblems = [
      ...restoredSharedFlows.failed.map((f) => `deployment of shared flow ${f.record.name} revision ${f.record.revision} in ${f.record.environment} could not be restored: ${f.reason}`),
      ...restored.failed.map((f) => `deployment of ${f.record.api} revision ${f.record.revision} in ${f.record.environment} could not be restored: ${f.reason}`),
    ];

    let demoTargets: Array<{ name: string; port: number }> = [];
    if (config.demoTargets.enabled) {
      const started = await startDemoTargets({ host: config.demoTargets.host, ports: config.demoTargets.ports });
      closers.push(() => started.close());
      demoTargets = started.targets;
    }
    let seeded: SeededSamples | undefined;
    if (config.samples.enabled && freshStore) {
      seeded = await seedSamples({ config, store, revisions, deployments, sharedFlows, developers, logger });
    }

    const selfSigned = await ensureVirtualHostCertificate(config, environments);
    if (selfSigned?.created) logger.info({ certFile: selfSigned.certFile }, 'created a self-signed certificate for the secure virtual hosts');

    if (replication && deps.workers) {
      const started = await startWorkerPool({
        count: deps.workers.count,
        exec: deps.workers.exec ?? fileURLToPath(new URL('./cluster/worker-main.js', import.meta.url)),
        ...(deps.workers.execArgv ? { execArgv: deps.workers.execArgv } : {}),
        config,
        source: replication,
        logger,
        applyTimeoutMs: deps.workers.applyTimeoutMs ?? defaultApplyTimeoutMs,
        afterForwardedCommit: (ops) => policyRuntime.kvms.refresh(ops),
        stopTimeoutMs: config.timeouts.shutdownGraceMs + config.timeouts.drainCeilingMs + 5_000,
      });
      pool = started;
      closers.push(() => started.close());
      listenerInfo.push(...started.listeners);
    } else {
      listenerInfo.push(...await createEnvironmentListeners({
        config, environments, runtimes, sharedFlowsOf: policyRuntime.sharedFlowsOf, metrics, logger, now, tracing, selfSigned, listeners,
      }));
      closers.push(async () => {
        await Promise.all(listeners.map((l) => l.close(config.timeouts.shutdownGraceMs)));
      });
    }
    phase = 'ready';
    logger.info({ listeners: listenerInfo.length, deployments: restored.restored, problems: restoreProblems.length }, 'gateway ready');


    return {
      config,
      store,
      revisions,
      deployments,
      groups,
      sharedFlows,
      developers,
      access,
      audit,
      metrics,
      runtimes,
      listeners: listenerInfo,
      workers: pool,
      adminUrl: admin.url,
      metricsUrl: metricsServer?.url,
      selfSignedCertificate: selfSigned?.certFile,
      demoTargets,
      generatedAdminPassword,
      sampleApiKey: seeded?.sampleApiKey,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
