// Every Prometheus metric Baton exports, declared in one place, on a registry per gateway (never the global one).
import { AggregatorRegistry, Counter, Gauge, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { createDataplaneMetrics, type DataplaneMetrics } from './dataplane-metrics.js';
import { createDeploymentMetrics, type DeploymentMetrics } from './deployment-metrics.js';
import { createPolicyMetrics, type PolicyMetrics } from './policy-metrics.js';
import { createStoreMetrics, type StoreMetrics } from './store-metrics.js';

/** What the gauges read at scrape time. */
export interface MetricsSources {
  /** Leftover revisions per `${organization}/${environment}`. */
  readonly leftoverRevisions: () => ReadonlyMap<string, number>;
  /** Revisions serving traffic per `${organization}/${environment}`. */
  readonly deployedRevisions: () => ReadonlyMap<string, number>;
  /** Revisions out of routing still finishing requests per `${organization}/${environment}` (none when absent). */
  readonly drainingRevisions?: () => ReadonlyMap<string, number>;
  /**
   * The data-plane workers' own registries (`getMetricsAsJSON`), when the data plane runs in worker processes: the
   * exposition then sums them with this registry (prom-client's AggregatorRegistry; counters and histograms add up).
   */
  readonly workers?: () => Promise<readonly unknown[]>;
}

export interface Metrics {
  readonly registry: Registry;
  /** The Prometheus text exposition (`registry.contentType`): this registry's, summed with the workers' when there are some. */
  render(): Promise<string>;
  /** StatisticsCollector: one per statistic collected; `statistic` names are capped per proxy (the rest count as `_other`). */
  readonly statisticsCollected: Counter<'env' | 'proxy' | 'statistic'>;
  /** MessageLogging messages lost: `reason` is `queue_full` (dropped, never queued) or `failed` (the destination failed them). */
  readonly messageLoggingDropped: Counter<'transport' | 'reason'>;
  /** Live Quota/SpikeArrest counters evicted because a policy reached its identifier cap (limits.maxRateLimitIdentifiersPerPolicy). */
  readonly rateLimitCounterEvictions: Counter<'env' | 'proxy'>;
  /** Requests, latencies, in-flight requests and target errors per revision (cells resolved once per deployed revision). */
  readonly dataplane: DataplaneMetrics;
  /** Policy executions and faults per policy type (see toCountedPolicyRegistry). */
  readonly policies: PolicyMetrics;
  /** Deployment changes and their duration; draining revisions. */
  readonly deployments: DeploymentMetrics;
  /** Store write latency and failures. */
  readonly store: StoreMetrics;
}

function setPerEnvironment(gauge: Gauge<'org' | 'env'>, values: ReadonlyMap<string, number>): void {
  gauge.reset();
  for (const [key, value] of values) {
    const [org, env] = key.split('/') as [string, string];
    gauge.set({ org, env }, value);
  }
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'baton_' });
  new Gauge({
    name: 'baton_leftover_revisions',
    help: 'Revisions left deployed at another base path after a newer revision of the same proxy was deployed (both serve)',
    labelNames: ['org', 'env'] as const,
    registers: [registry],
    collect() {
      setPerEnvironment(this, sources.leftoverRevisions());
    },
  });
  new Gauge({
    name: 'baton_deployed_revisions',
    help: 'Revisions serving traffic',
    labelNames: ['org', 'env'] as const,
    registers: [registry],
    collect() {
      setPerEnvironment(this, sources.deployedRevisions());
    },
  });
  const statisticsCollected = new Counter({
    name: 'baton_statistics_collected_total',
    help: 'Statistics collected by StatisticsCollector policies (Baton has no Apigee analytics; the values are flow variables statistics.<name>)',
    labelNames: ['env', 'proxy', 'statistic'] as const,
    registers: [registry],
  });
  const messageLoggingDropped = new Counter({
    name: 'baton_message_logging_dropped_total',
    help: 'MessageLogging messages lost: queue_full when a destination queue was full, failed when the destination could not take them',
    labelNames: ['transport', 'reason'] as const,
    registers: [registry],
  });
  const rateLimitCounterEvictions = new Counter({
    name: 'baton_rate_limit_counter_evictions_total',
    help: 'Live Quota and SpikeArrest counters evicted (they start over) because a policy held its maximum number of identifiers',
    labelNames: ['env', 'proxy'] as const,
    registers: [registry],
  });
  const dataplane = createDataplaneMetrics(registry);
  const policies = createPolicyMetrics(registry);
  const deployments = createDeploymentMetrics(registry, sources.drainingRevisions ?? (() => new Map()));
  const store = createStoreMetrics(registry);
  const workers = sources.workers;
  const render = workers
    ? async (): Promise<string> => {
      const all = [await registry.getMetricsAsJSON(), ...(await workers())] as Array<Array<MetricObjectWithValues<MetricValue<string>>>>;
      return AggregatorRegistry.aggregate(all).metrics();
    }
    : () => registry.metrics();
  return { registry, render, statisticsCollected, messageLoggingDropped, rateLimitCounterEvictions, dataplane, policies, deployments, store };
}
