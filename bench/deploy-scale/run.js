// Benchmark `deploy-scale`: what one deploy costs, and how long it blocks the gateway, at 100 to 10,000 deployed proxies.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createAdminClient } from '../lib/admin-client.js';
import { createBenchRun } from '../lib/create-bench-run.js';
import { parseKnobSpecs } from '../lib/knobs.js';
import { packBundle } from '../lib/pack-bundle.js';
import { toRatio } from '../lib/to-ratios.js';
import { toRunInfo } from '../lib/to-run-info.js';
import { ADMIN_USER, toDataPlaneUrl, toManagedGatewaySpec } from '../lib/to-managed-gateway-spec.js';
import { EVENT_LOOP_RESOLUTION_MS, measureDeploys } from './measure-deploys.js';
import { measureRouteLatency } from './measure-route-latency.js';
import { HEAP_TOLERANCE, measureSwapMemory, readCollectedMemory, toMiB } from './measure-swap-memory.js';
import { toMockBundle } from './mock-bundle.js';

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const ORGANIZATION = 'demo';
const ENVIRONMENT = 'test';
/** The proxy whose deploys are measured, on top of the mocks. */
const EXTRA_API = 'extra';
const EXTRA_PATH = '/extra';
/** The target: at 10,000 proxies one deploy blocks the event loop for at most this long. */
const TARGET = { proxies: 10_000, maxBlockMs: 5 };
const BULK_TIMEOUT_MS = 20 * 60_000;

/** @type {import('../lib/knobs.js').KnobSpec[]} */
const knobSpecs = [
  { env: 'SCALES', key: 'scales', fallback: [100, 1_000, 10_000], min: 1, max: 50_000, list: true },
  { env: 'DEPLOYS', key: 'deploys', fallback: 100, min: 1, max: 10_000 },
  { env: 'SWAP_CYCLES', key: 'swapCycles', fallback: 1_000, min: 0, max: 100_000 },
  { env: 'LATENCY_REQUESTS', key: 'latencyRequests', fallback: 2_000, min: 10, max: 100_000 },
  { env: 'DEPLOY_BATCH', key: 'deployBatch', fallback: 500, min: 0, max: 50_000 },
];

const run = createBenchRun('deploy-scale');
const { log, problems } = run;
/** @type {Record<string, unknown>} */
const summary = {
  benchmark: 'deploy-scale',
  ...toRunInfo(),
  knobs: undefined,
  processes: 'management calls and data-plane requests in this process; the Baton gateway (--expose-gc) in a child process',
  bulkLoad: 'mock proxies are imported and deployed inside the gateway process through revisions.importRevision + deployments.applyEnvironmentChange, DEPLOY_BATCH proxies per change (0: one deployments.deploy per proxy) — the services behind the management API, without HTTP, auth and audit; one bundle packed once, imported under each name, deployed at its own base path /m<i>',
};

try {
  const knobs = /** @type {{ scales: readonly number[], deploys: number, swapCycles: number, latencyRequests: number, deployBatch: number }} */ (
    /** @type {unknown} */ (parseKnobSpecs(process.env, knobSpecs)));
  const scales = [...new Set(knobs.scales)].sort((a, b) => a - b);
  summary.knobs = { ...knobs, scales };
  const adminPassword = randomBytes(18).toString('base64url');

  log('starting the gateway');
  const gatewaySpec = toManagedGatewaySpec({ organization: ORGANIZATION, environment: ENVIRONMENT, adminPassword, revisionHeader: false });
  const gateway = await run.start(`${benchDir}gateway-child.js`, gatewaySpec, { name: 'gateway', nodeArgs: ['--expose-gc'] });
  const origin = toDataPlaneUrl(gateway, { organization: ORGANIZATION, environment: ENVIRONMENT });
  const admin = createAdminClient({ adminUrl: String(gateway.ready.adminUrl), user: ADMIN_USER, password: adminPassword, organization: ORGANIZATION, connections: 2 });

  try {
    const revisions = [];
    for (const marker of ['extra A', 'extra B']) revisions.push(await admin.importBundle(EXTRA_API, await packBundle(toMockBundle(EXTRA_API, EXTRA_PATH, marker))));
    const extraRevisions = /** @type {[number, number]} */ (revisions);
    const first = await admin.deploy(ENVIRONMENT, EXTRA_API, extraRevisions[0]);
    if (first.statusCode !== 200) throw new Error(`first deploy of ${EXTRA_API}: ${first.statusCode} ${JSON.stringify(first.body).slice(0, 300)}`);
    /** @type {import('./measure-deploys.js').DeploySubject} */
    const subject = { admin, gateway, environment: ENVIRONMENT, api: EXTRA_API, revisions: extraRevisions, state: { current: extraRevisions[0] } };

    const baseline = await readCollectedMemory(gateway);
    summary.baselineMemory = { note: 'the gateway with only the extra proxy deployed, after GC', rssMiB: toMiB(baseline.rss), heapUsedMiB: toMiB(baseline.heapUsed) };

    /** @type {Array<Record<string, unknown>>} */
    const results = [];
    summary.scales = results;
    let deployed = 0;
    /** @type {number | undefined} */
    let firstLatencyP50;
    for (const [index, scale] of scales.entries()) {
      log(`${scale} proxies: deploying ${scale - deployed} more mocks in-process`);
      const bulkStartedAt = performance.now();
      const bulk = await gateway.ask({
        type: 'bulkDeploy', environment: ENVIRONMENT, files: toMockBundle('mock', '/'), apiPrefix: 'm', from: deployed, to: scale, basePathPrefix: '/m', concurrency: 8,
        ...(knobs.deployBatch > 0 ? { batchSize: knobs.deployBatch } : {}),
      }, BULK_TIMEOUT_MS);
      if (typeof bulk.error === 'string') throw new Error(`bulk deploy to ${scale}: ${bulk.error}`);
      const bulkSeconds = Math.round((performance.now() - bulkStartedAt) / 100) / 10;
      deployed = scale;

      const memory = await readCollectedMemory(gateway);
      log(`${scale} proxies: data-plane latency (${knobs.latencyRequests} requests)`);
      const route = await measureRouteLatency(origin, EXTRA_PATH, knobs.latencyRequests);
      if (route.failures > 0) problems.push(`${scale} proxies: ${route.failures} data-plane requests to ${EXTRA_PATH} did not answer 200`);
      firstLatencyP50 ??= route.latencyMs.p50;
      log(`${scale} proxies: ${knobs.deploys} deploys of ${EXTRA_API}`);
      const deploys = await measureDeploys(subject, knobs.deploys);
      results.push({
        proxies: scale,
        bulkLoad: { seconds: bulkSeconds, importMs: bulk.importMs, deployMs: bulk.deployMs, added: bulk.deployed },
        deploy: deploys,
        memory: {
          rssMiB: toMiB(memory.rss),
          heapUsedMiB: toMiB(memory.heapUsed),
          rssKiBPerProxy: Math.round((memory.rss - baseline.rss) / scale / 102.4) / 10,
          heapKiBPerProxy: Math.round((memory.heapUsed - baseline.heapUsed) / scale / 102.4) / 10,
        },
        dataPlane: { path: EXTRA_PATH, ...route, p50VsFirstScale: toRatio(route.latencyMs.p50, firstLatencyP50) },
      });

      // The memory check runs at the smallest scale: the smaller the baseline heap, the less a leak can hide in 10%.
      if (index === 0 && knobs.swapCycles > 0) {
        log(`memory check: ${knobs.swapCycles} swaps at ${scale} proxies, then GC`);
        summary.memoryCheck = {
          proxies: scale,
          tolerance: HEAP_TOLERANCE,
          note: 'each swap adds one audit-trail entry (a few hundred bytes, kept by design up to 100,000)',
          ...await measureSwapMemory(subject, knobs.swapCycles),
        };
      }
    }

    const largest = results.at(-1);
    const largestDeploy = /** @type {{ eventLoopBlockMs: { max: number } } | undefined} */ (largest?.deploy);
    summary.target = {
      statement: `at ${TARGET.proxies} proxies one deploy blocks the event loop for at most ${TARGET.maxBlockMs} ms`,
      eventLoopResolutionMs: EVENT_LOOP_RESOLUTION_MS,
      measuredAt: largest?.proxies ?? null,
      measuredMaxBlockMs: largestDeploy?.eventLoopBlockMs.max ?? null,
      met: largest && largestDeploy && Number(largest.proxies) >= TARGET.proxies ? largestDeploy.eventLoopBlockMs.max <= TARGET.maxBlockMs : null,
    };
    summary.gatewayLogLines = gateway.stderrLines();
  } finally {
    await admin.close();
  }
  if (gateway.hasExited()) problems.push(`the gateway process exited during the run\n${gateway.stderrTail()}`);
  if (problems.length > 0) summary.gatewayStderrTail = gateway.stderrTail();
} catch (err) {
  problems.push(err instanceof Error ? err.message : String(err));
}

await run.finish(summary);
