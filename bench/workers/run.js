// Benchmark `workers`: pass-through throughput and latency with the data plane in 1 process against 2 worker processes (`--workers 2`).
import { fileURLToPath } from 'node:url';
import { createBenchRun } from '../lib/create-bench-run.js';
import { loadKnobSpecs, parseKnobSpecs } from '../lib/knobs.js';
import { runLoad } from '../lib/run-load.js';
import { toRunInfo } from '../lib/to-run-info.js';
import { toDataPlaneUrl, toManagedGatewaySpec } from '../lib/to-managed-gateway-spec.js';
import { toPassThroughBundle } from '../lib/to-pass-through-bundle.js';

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const ORGANIZATION = 'demo';
const ENVIRONMENT = 'test';
const API = 'workers';
const PATH = '/workers/json';

const run = createBenchRun('workers');
const { log, problems } = run;

/** WORKER_COUNTS: comma-separated worker counts, each 1-16 (default `1,2`); 1 is the single-process gateway. */
function parseWorkerCounts(raw = '1,2') {
  const counts = raw.split(',').map((s) => Number(s.trim()));
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new Error(`WORKER_COUNTS: expected integers 1-16 separated by commas, got "${raw}"`);
  return counts;
}

/** @type {Record<string, unknown>} */
const summary = {
  benchmark: 'workers',
  ...toRunInfo(),
  knobs: undefined,
  processes: 'load generator (autocannon) in this process, the target in one child, the Baton primary in another, plus its worker processes: all on the same cores',
};

try {
  const knobs = /** @type {{ connections: number, durationS: number, pipelining: number, warmupS: number }} */ (/** @type {unknown} */ (parseKnobSpecs(process.env, loadKnobSpecs)));
  const workerCounts = parseWorkerCounts(process.env.WORKER_COUNTS);
  summary.knobs = { ...knobs, workerCounts };
  const target = await run.start(`${benchDir}target-child.js`, {}, { name: 'target' });
  const targetUrl = String(/** @type {Record<string, unknown>} */ (target.ready.urls).target);
  /** @type {Array<Record<string, unknown>>} */
  const results = [];
  for (const workers of workerCounts) {
    log(`gateway with ${workers === 1 ? 'no workers (single process)' : `${workers} workers`}`);
    const spec = {
      ...toManagedGatewaySpec({ organization: ORGANIZATION, environment: ENVIRONMENT, adminPassword: 'bench-password-unused', revisionHeader: false }),
      deploy: [{ environment: ENVIRONMENT, api: API, files: toPassThroughBundle({ api: API, basePath: '/workers', targetUrl, description: 'workers bench' }) }],
      workers,
    };
    const gateway = await run.start(`${benchDir}gateway-child.js`, spec, { name: `gateway-${workers}`, readyTimeoutMs: 60_000 });
    try {
      const url = `${toDataPlaneUrl(gateway, { organization: ORGANIZATION, environment: ENVIRONMENT })}${PATH}`;
      if (knobs.warmupS > 0) await runLoad({ url, connections: knobs.connections, pipelining: knobs.pipelining, durationS: knobs.warmupS });
      const load = await runLoad({ url, connections: knobs.connections, pipelining: knobs.pipelining, durationS: knobs.durationS });
      results.push({ workers, requestsPerSec: load.requestsPerSec, latencyMs: load.latencyMs, non2xx: load.non2xx, errors: load.errors });
      if (load.non2xx > 0 || load.errors > 0) problems.push(`${workers} workers: ${load.non2xx} non-2xx answers, ${load.errors} transport errors`);
      log(`${workers} workers: ${Math.round(load.requestsPerSec)} requests/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms`);
    } finally {
      await gateway.close();
    }
  }
  summary.results = results;
  const baseline = /** @type {number | undefined} */ (results.find((r) => r.workers === 1)?.requestsPerSec);
  if (baseline) summary.throughputVsOneProcess = Object.fromEntries(results.map((r) => [String(r.workers), Math.round((Number(r.requestsPerSec) / baseline) * 100) / 100]));
} catch (err) {
  problems.push(err instanceof Error ? err.message : String(err));
}
await run.finish(summary);
