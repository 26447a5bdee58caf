// Deployment metrics: deployment changes by operation and result with their duration, and revisions draining after they left routing.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a deployment change did; `change` is a multi-proxy environment change (promotions, groups). */
export type DeploymentOperation = 'deploy' | 'undeploy' | 'change' | 'rollback';

export interface DeploymentMetrics {
  /** One deployment change ended: successfully (swapped) or not (nothing changed). */
  observeChange(operation: DeploymentOperation, org: string, env: string, succeeded: boolean, seconds: number): void;
}

/** Seconds: a deploy compiles, commits (fsync) and swaps; large bundles with many policies take longer. */
const deploymentBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createDeploymentMetrics(registry: Registry, drainingRevisions: () => ReadonlyMap<string, number>): DeploymentMetrics {
  const changes = new Counter({
    name: 'baton_deployment_changes_total',
    help: 'Deployment changes (deploy, undeploy, multi-proxy change, rollback) by result: success or failure (nothing changed)',
    labelNames: ['org', 'env', 'operation', 'result'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'baton_deployment_change_duration_seconds',
    help: 'Time a deployment change took, from its turn in the deployment queue to the swap (or the refusal)',
    labelNames: ['org', 'env', 'operation', 'result'] as const,
    buckets: deploymentBuckets,
    registers: [registry],
  });
  new Gauge({
    name: 'baton_draining_revisions',
    help: 'Revisions taken out of routing whose in-flight requests are still finishing (until idle or the drain ceiling)',
    labelNames: ['org', 'env'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, value] of drainingRevisions()) {
        const [org, env] = key.split('/') as [string, string];
        this.set({ org, env }, value);
      }
    },
  });
  return {
    observeChange(operation, org, env, succeeded, seconds) {
      const labels = { org, env, operation, result: succeeded ? 'success' : 'failure' };
      changes.inc(labels);
      durations.observe(labels, seconds);
    },
  };
}
