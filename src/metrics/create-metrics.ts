// Every Prometheus metric Baton exports, declared in one place, on a registry per gateway (never the global one).
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** What the gauges read at scrape time. */
export interface MetricsSources {
  /** Leftover revisions per `${organization}/${environment}`. */
  readonly leftoverRevisions: () => ReadonlyMap<string, number>;
  /** Revisions serving traffic per `${organization}/${environment}`. */
  readonly deployedRevisions: () => ReadonlyMap<string, number>;
}

export interface Metrics {
  readonly registry: Registry;
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
  return { registry };
}
