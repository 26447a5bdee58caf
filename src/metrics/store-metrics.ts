// Store write metrics: commit and blob write latency, and failed writes.
import { Counter, Histogram, type Registry } from 'prom-client';

export type StoreWriteOperation = 'commit' | 'blob';

export interface StoreMetrics {
  observeWrite(operation: StoreWriteOperation, succeeded: boolean, seconds: number): void;
}

/** Seconds: an fsynced append on an SSD takes ~1 ms; a slow or failing disk shows in the upper buckets. */
const storeBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createStoreMetrics(registry: Registry): StoreMetrics {
  const seconds = new Histogram({
    name: 'baton_store_write_duration_seconds',
    help: 'Time a durable store write took (commit: journal append + fsync; blob: temp file, fsync, rename)',
    labelNames: ['operation'] as const,
    buckets: storeBuckets,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'baton_store_write_failures_total',
    help: 'Store writes that failed (nothing of them was applied)',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  // Both series exist from the start, so a failure rate can be computed before the first failure.
  for (const operation of ['commit', 'blob'] as const) failures.inc({ operation }, 0);
  return {
    observeWrite(operation, succeeded, elapsed) {
      seconds.observe({ operation }, elapsed);
      if (!succeeded) failures.inc({ operation });
    },
  };
}
