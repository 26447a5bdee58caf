// Benchmark `swap-under-load`: seamless revision swaps under constant mixed load, then the plain undeploy/deploy sequence.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHistogram, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createAdminClient } from '../lib/admin-client.js';
import { createBenchRun } from '../lib/create-bench-run.js';
import { loadKnobSpecs, parseKnobSpecs } from '../lib/knobs.js';
import { packBundle } from '../lib/pack-bundle.js';
import { toLatencyMs } from '../lib/to-latency-ms.js';
import { toRatio } from '../lib/to-ratios.js';
import { toRunInfo } from '../lib/to-run-info.js';
import { ADMIN_USER, toDataPlaneUrl, toManagedGatewaySpec } from '../lib/to-managed-gateway-spec.js';
import { toPassThroughBundle } from '../lib/to-pass-through-bundle.js';
import { createDeployTimeline } from './create-deploy-timeline.js';
import { runMixedLoad } from './run-mixed-load.js';

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const ORGANIZATION = 'demo';
const ENVIRONMENT = 'test';
const API = 'swap';
const BASE_PATH = '/swap';
const REQUEST_PATH = `${BASE_PATH}/echo`;

/** @type {import('../lib/knobs.js').KnobSpec[]} */
const knobSpecs = [
  ...loadKnobSpecs.filter((s) => s.env !== 'PIPELINING'),
  { env: 'SWAPS', key: 'swaps', fallback: 100, min: 1, max: 10_000 },
  { env: 'SWAPS_PLAIN', key: 'swapsPlain', fallback: 20, min: 0, max: 1_000 },
  { env: 'FRESH_CLIENTS', key: 'freshClients', fallback: 8, min: 0, max: 200 },
  { env: 'BODY_BYTES', key: 'bodyBytes', fallback: 16_384, min: 1, max: 1_048_576 },
  { env: 'SWAP_DELAY', key: 'swapDelayS', fallback: 0, min: 0, max: 60 },
  { env: 'SWAP_PAUSE_MS', key: 'swapPauseMs', fallback: 20, min: 0, max: 10_000 },
];

/**
 * @typedef {{ connections: number, durationS: number, warmupS: number, swaps: number, swapsPlain: number,
 *   freshClients: number, bodyBytes: number, swapDelayS: number, swapPauseMs: number }} SwapKnobs
 */

/** @typedef {Awaited<ReturnType<typeof runMixedLoad>>} PhaseResult */

const run = createBenchRun('swap-under-load');
const { log, problems } = run;
/** @type {Record<string, unknown>} */
const summary = {
  benchmark: 'swap-under-load',
  ...toRunInfo(),
  knobs: undefined,
  processes: 'load generators (autocannon keep-alive clients + new-connection clients) and management calls in this process; echo target and Baton gateway in one child process each',
};

/**
 * A phase's problems: in the steady and seamless phases every answer must be a checked 2xx.
 * @param {string} phase
 * @param {PhaseResult} result
 */
function assertClean(phase, result) {
  if (result.non2xx > 0 || result.errors > 0) problems.push(`${phase}: ${result.non2xx} non-2xx answers, ${result.errors} transport errors (${JSON.stringify({ keepAlive: result.keepAlive.statusCodes, freshConnection: result.freshConnection?.statusCodes, freshErrors: result.freshConnection?.errorCodes })})`);
  if (result.bodyMismatches > 0) problems.push(`${phase}: ${result.bodyMismatches} answers with a wrong echoed body: ${result.samples.join(' | ')}`);
  if (result.staleRevision > 0) problems.push(`${phase}: ${result.staleRevision} answers from a revision replaced before they were sent: ${result.samples.join(' | ')}`);
  if (result.revisions.none) problems.push(`${phase}: ${result.revisions.none} answers without X-Baton-Revision`);
  if (result.keepAlive.stoppedByWatchdog || result.freshConnection?.stoppedByWatchdog) problems.push(`${phase}: stopped by the watchdog`);
}

/** @param {PhaseResult} result */
const toPhaseSummary = (result) => {
  const { samples, ...rest } = result;
  return samples.length > 0 ? result : rest;
};

/** @param {PhaseResult} result */
const p99Of = (result) => ({ keepAlive: result.keepAlive.latencyMs.p99, freshConnection: result.freshConnection?.latencyMs.p99 ?? null });

try {
  const knobs = /** @type {SwapKnobs} */ (/** @type {unknown} */ (parseKnobSpecs(process.env, knobSpecs)));
  summary.knobs = knobs;
  const adminPassword = randomBytes(18).toString('base64url');

  log('starting echo target and gateway');
  const target = await run.start(`${benchDir}swap-under-load/echo-target-child.js`, {}, { name: 'target' });
  const targetUrl = String(/** @type {Record<string, unknown>} */ (target.ready.urls).target);
  const gatewaySpec = toManagedGatewaySpec({ organization: ORGANIZATION, environment: ENVIRONMENT, adminPassword, revisionHeader: true });
  const gateway = await run.start(`${benchDir}gateway-child.js`, gatewaySpec, { name: 'gateway' });
  const origin = toDataPlaneUrl(gateway, { organization: ORGANIZATION, environment: ENVIRONMENT });
  const admin = createAdminClient({ adminUrl: String(gateway.ready.adminUrl), user: ADMIN_USER, password: adminPassword, organization: ORGANIZATION, connections: 2 });

  try {
    // Two revisions with the same behaviour and different bytes.
    const revisions = [];
    for (const description of ['swap-under-load revision A', 'swap-under-load revision B']) {
      revisions.push(await admin.importBundle(API, await packBundle(toPassThroughBundle({ api: API, basePath: BASE_PATH, targetUrl, description }))));
    }
    const [revA, revB] = /** @type {[number, number]} */ (revisions);
    const first = await admin.deploy(ENVIRONMENT, API, revA);
    if (first.statusCode !== 200) throw new Error(`first deploy: ${first.statusCode} ${JSON.stringify(first.body).slice(0, 300)}`);
    summary.proxy = { api: API, basePath: BASE_PATH, revisions: [revA, revB], requestPath: REQUEST_PATH };

    const body = randomBytes(knobs.bodyBytes);
    const load = { origin, path: REQUEST_PATH, body, connections: knobs.connections, freshClients: knobs.freshClients };

    if (knobs.warmupS > 0) {
      log(`warming up for ${knobs.warmupS} s`);
      const warmup = await runMixedLoad({ ...load, durationS: knobs.warmupS });
      assertClean('warmup', warmup);
    }

    log(`steady: measuring for ${knobs.durationS} s`);
    const steady = await runMixedLoad({ ...load, durationS: knobs.durationS });
    assertClean('steady', steady);
    summary.steady = toPhaseSummary(steady);

    // Seamless: override=true alternates the two revisions; the load runs until the last swap returned.
    log(`seamless: ${knobs.swaps} swaps (override=true, delay=${knobs.swapDelayS})`);
    const timeline = createDeployTimeline(`${API}/${revA}`);
    const deployUs = createHistogram();
    /** @type {Record<string, number>} */
    const deployStatuses = {};
    let current = revA;
    const swapping = (async () => {
      for (let i = 0; i < knobs.swaps; i++) {
        const next = current === revA ? revB : revA;
        const returned = timeline.begin(`${API}/${next}`);
        const reply = await admin.deploy(ENVIRONMENT, API, next, { override: true, delaySeconds: knobs.swapDelayS });
        returned();
        deployUs.record(Math.max(1, Math.round(reply.durationMs * 1000)));
        deployStatuses[reply.statusCode] = (deployStatuses[reply.statusCode] ?? 0) + 1;
        if (reply.statusCode !== 200) throw new Error(`swap ${i + 1} to revision ${next}: ${reply.statusCode} ${JSON.stringify(reply.body).slice(0, 300)}`);
        current = next;
        if (knobs.swapPauseMs > 0) await sleep(knobs.swapPauseMs);
      }
    })();
    const swapStartedAt = performance.now();
    const [seamless] = await Promise.all([
      runMixedLoad({ ...load, durationS: Math.min(300, 10 + knobs.swaps * 2), until: swapping, timeline }),
      swapping,
    ]);
    const swapSeconds = (performance.now() - swapStartedAt) / 1000;
    assertClean('seamless', seamless);
    summary.seamless = {
      swaps: knobs.swaps,
      durationS: Math.round(swapSeconds * 10) / 10,
      deployCallMs: { ...toLatencyMs(deployUs), statusCodes: deployStatuses },
      ...toPhaseSummary(seamless),
    };
    summary.p99 = {
      steadyMs: p99Of(steady),
      duringSwapsMs: p99Of(seamless),
      ratio: {
        keepAlive: toRatio(seamless.keepAlive.latencyMs.p99, steady.keepAlive.latencyMs.p99),
        freshConnection: seamless.freshConnection && steady.freshConnection ? toRatio(seamless.freshConnection.latencyMs.p99, steady.freshConnection.latencyMs.p99) : null,
      },
    };

    if (knobs.swapsPlain > 0) {
      // Plain: undeploy, then deploy without override — the gap a seamless swap closes. Errors here are the point.
      log(`plain: ${knobs.swapsPlain} undeploy + deploy cycles`);
      const callUs = createHistogram();
      /** @type {Record<string, number>} */
      const callStatuses = {};
      const cycling = (async () => {
        for (let i = 0; i < knobs.swapsPlain; i++) {
          const next = current === revA ? revB : revA;
          for (const reply of [await admin.undeploy(ENVIRONMENT, API, current), await admin.deploy(ENVIRONMENT, API, next)]) {
            callUs.record(Math.max(1, Math.round(reply.durationMs * 1000)));
            callStatuses[reply.statusCode] = (callStatuses[reply.statusCode] ?? 0) + 1;
            if (reply.statusCode !== 200) throw new Error(`plain cycle ${i + 1}: ${reply.statusCode} ${JSON.stringify(reply.body).slice(0, 300)}`);
          }
          current = next;
          if (knobs.swapPauseMs > 0) await sleep(knobs.swapPauseMs);
        }
      })();
      const [plain] = await Promise.all([runMixedLoad({ ...load, durationS: Math.min(300, 10 + knobs.swapsPlain * 2), until: cycling }), cycling]);
      const status404 = (plain.keepAlive.statusCodes['404'] ?? 0) + (plain.freshConnection?.statusCodes['404'] ?? 0);
      summary.plain = {
        cycles: knobs.swapsPlain,
        callMs: { ...toLatencyMs(callUs), statusCodes: callStatuses },
        status404,
        ...toPhaseSummary(plain),
      };
      summary.gap = {
        seamless: { swaps: knobs.swaps, non2xx: seamless.non2xx, errors: seamless.errors },
        plain: { cycles: knobs.swapsPlain, non2xx: plain.non2xx, status404, errors: plain.errors, failedPerCycle: Math.round(((plain.non2xx + plain.errors) / knobs.swapsPlain) * 10) / 10 },
      };
    }
    // Requests autocannon cuts off when a phase ends can add a few lines; more means trouble.
    summary.gatewayLogLines = gateway.stderrLines();
  } finally {
    await admin.close();
  }
  for (const child of [target, gateway]) if (child.hasExited()) problems.push(`the ${child.name} process exited during the run\n${child.stderrTail()}`);
  if (problems.length > 0) summary.gatewayStderrTail = gateway.stderrTail();
} catch (err) {
  problems.push(err instanceof Error ? err.message : String(err));
}

await run.finish(summary);
