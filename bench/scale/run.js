// Benchmark `scale`: 10,000 proxies deployed in one environment — route lookup and request cost against 1 proxy, memory per deployed revision, start-up time with them all stored.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { measureRouteLatency } from '../deploy-scale/measure-route-latency.js';
import { readCollectedMemory, toMiB } from '../deploy-scale/measure-swap-memory.js';
import { toMockBundle } from '../deploy-scale/mock-bundle.js';
import { createBenchRun } from '../lib/create-bench-run.js';
import { findFreePort } from '../lib/find-free-port.js';
import { loadKnobSpecs, parseKnobSpecs } from '../lib/knobs.js';
import { measureScenario } from '../lib/measure-scenario.js';
import { toRatio } from '../lib/to-ratios.js';
import { toRunInfo } from '../lib/to-run-info.js';
import { measureStartUp } from './measure-start-up.js';

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const gatewayScript = `${benchDir}gateway-child.js`;
const ORGANIZATION = 'demo';
const ENVIRONMENT = 'test';
const VIRTUAL_HOST = 'default';
/** The one proxy measured at 1 and at SCALE + 1 deployed proxies. */
const EXTRA_API = 'extra';
const EXTRA_PATH = '/extra';
const EXTRA_BODY = JSON.stringify({ mock: EXTRA_API });
const BULK_TIMEOUT_MS = 30 * 60_000;
const START_UP_TIMEOUT_MS = 10 * 60_000;
const LOOKUP_ROUNDS = 7;
/** Mock paths looked up in turn at scale: spread over the whole table, so lookups do not hit one hot entry. */
const SPREAD_PATHS = 1_000;

/** @type {import('../lib/knobs.js').KnobSpec[]} */
const knobSpecs = [
  { env: 'SCALE', key: 'scale', fallback: 10_000, min: 1, max: 50_000 },
  { env: 'DEPLOY_BATCH', key: 'deployBatch', fallback: 500, min: 0, max: 50_000 },
  { env: 'E2E_DURATION', key: 'e2eDurationS', fallback: 5, min: 1, max: 300 },
  { env: 'LATENCY_REQUESTS', key: 'latencyRequests', fallback: 2_000, min: 10, max: 100_000 },
  { env: 'LOOKUPS', key: 'lookups', fallback: 1_000_000, min: 1_000, max: 100_000_000 },
  ...loadKnobSpecs.filter((spec) => spec.env !== 'DURATION'),
];

/**
 * @typedef {{ scale: number, deployBatch: number, e2eDurationS: number, latencyRequests: number, lookups: number,
 *   connections: number, pipelining: number, warmupS: number }} ScaleKnobs
 */

/**
 * Baton's defaults (log level info with the access log, metrics) on loopback, the management API with a password,
 * no demo targets or samples; the store in `dataDir`, kept across gateway processes.
 * @param {{ dataDir: string, adminPort: number, adminPassword: string, logFile: string }} options
 */
function toScaleGatewaySpec(options) {
  return {
    config: {
      admin: { host: '127.0.0.1', port: options.adminPort, password: options.adminPassword },
      organizations: [{
        name: ORGANIZATION,
        environments: [{ name: ENVIRONMENT, virtualHosts: [{ name: VIRTUAL_HOST, host: '127.0.0.1', port: 0 }] }],
      }],
      timeouts: { shutdownGraceMs: 1_000 },
      demoTargets: { enabled: false },
      samples: { enabled: false },
    },
    dataDir: options.dataDir,
    logFile: options.logFile,
    deploy: [],
  };
}

/**
 * @param {import('../lib/start-child.js').StartedChild} gateway
 * @returns {string}
 */
const dataPlaneOrigin = (gateway) => String(/** @type {Record<string, unknown>} */ (gateway.ready.urls)[`${ORGANIZATION}/${ENVIRONMENT}/${VIRTUAL_HOST}`]);

/** @param {NodeJS.MemoryUsage} usage */
const toMemoryMiB = (usage) => ({ rssMiB: toMiB(usage.rss), heapUsedMiB: toMiB(usage.heapUsed), externalMiB: toMiB(usage.external) });

/**
 * Bytes per item between two memory readings, in KiB with one decimal.
 * @param {number} after
 * @param {number} before
 * @param {number} count
 */
const kibPer = (after, before, count) => Math.round(((after - before) / count / 1024) * 10) / 10;

/**
 * Times RouteTable.lookup in the gateway process.
 * @param {import('../lib/start-child.js').StartedChild} gateway
 * @param {string[]} paths
 * @param {number} lookups
 * @returns {Promise<{ nsPerLookup: { median: number, min: number }, misses: number } & Record<string, unknown>>}
 */
async function lookUpRoutes(gateway, paths, lookups) {
  const answer = await gateway.ask({ type: 'routeLookup', environment: ENVIRONMENT, virtualHost: VIRTUAL_HOST, paths, lookups, rounds: LOOKUP_ROUNDS }, 120_000);
  if (typeof answer.error === 'string') throw new Error(`routeLookup: ${answer.error}`);
  const { type: _type, ...result } = answer;
  return /** @type {{ nsPerLookup: { median: number, min: number }, misses: number } & Record<string, unknown>} */ (result);
}

const run = createBenchRun('scale');
const { log, problems } = run;
/** @type {Record<string, unknown>} */
const summary = {
  benchmark: 'scale',
  ...toRunInfo(),
  knobs: undefined,
  processes: 'load generator and probes in this process; each Baton gateway (--expose-gc) in its own child process, one after another on the same data directory',
  proxies: 'small mocks (a null route answered by one AssignMessage), each at its own deployment base path /m<i>, plus `extra` at /extra, the proxy every request goes to',
  bulkLoad: 'in the gateway process through revisions.importRevision (8 in flight) and deployments.applyEnvironmentChange (DEPLOY_BATCH proxies per change; 0: one deployments.deploy per proxy) — the services behind the management API, without HTTP, auth and audit',
};

const dataDir = await mkdtemp(join(tmpdir(), 'baton-bench-scale-'));
// Also on SIGINT/SIGTERM, which end this process through process.exit (stop-on-signal.js).
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

/**
 * Requests `path` once and checks it is the mock's 200.
 * @param {string} origin
 * @param {string} path
 * @param {string} expectedBody
 */
async function checkAnswer(origin, path, expectedBody) {
  const res = await request(`${origin}${path}`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const body = await res.body.text();
  if (res.statusCode !== 200 || body !== expectedBody) problems.push(`GET ${path}: ${res.statusCode} ${JSON.stringify(body.slice(0, 200))}, expected 200 ${expectedBody}`);
}

try {
  const knobs = /** @type {ScaleKnobs} */ (/** @type {unknown} */ (parseKnobSpecs(process.env, knobSpecs)));
  summary.knobs = knobs;
  const adminPassword = randomBytes(18).toString('base64url');
  const adminPort = await findFreePort();
  const specFor = (/** @type {string} */ logName) => toScaleGatewaySpec({ dataDir, adminPort, adminPassword, logFile: join(dataDir, `${logName}.log`) });

  // 1. A store with one proxy.
  log('creating the store with one proxy');
  const seed = await run.start(gatewayScript, {
    ...specFor('seed'),
    deploy: [{ environment: ENVIRONMENT, api: EXTRA_API, files: toMockBundle(EXTRA_API, EXTRA_PATH, EXTRA_API) }],
  }, { name: 'seeding gateway' });
  await seed.close();

  // 2. Start-up with 1 proxy stored; this gateway then takes all the measurements.
  log('start-up with 1 proxy stored');
  const first = await measureStartUp(run, gatewayScript, specFor('gateway'), { name: 'gateway', adminPort, nodeArgs: ['--expose-gc'], timeoutMs: START_UP_TIMEOUT_MS });
  const gateway = first.child;
  const origin = dataPlaneOrigin(gateway);
  await checkAnswer(origin, EXTRA_PATH, EXTRA_BODY);
  const extraPaths = [`${EXTRA_PATH}/json`];
  const e2eKnobs = { connections: knobs.connections, durationS: knobs.e2eDurationS, pipelining: knobs.pipelining, warmupS: knobs.warmupS };
  /** @type {import('../lib/measure-scenario.js').Scenario} */
  const e2eScenario = { name: 'e2e', path: `client → Baton (${EXTRA_API}, AssignMessage answer, no target)`, url: `${origin}${EXTRA_PATH}`, processes: { proxy: gateway } };

  /** @param {number} proxies */
  const measureAt = async (proxies) => {
    log(`${proxies} proxies: route lookups in the gateway`);
    const lookup = await lookUpRoutes(gateway, extraPaths, knobs.lookups);
    if (lookup.misses > 0) problems.push(`${proxies} proxies: ${lookup.misses} lookups of ${EXTRA_PATH} found no proxy`);
    log(`${proxies} proxies: ${knobs.latencyRequests} sequential requests`);
    const sequential = await measureRouteLatency(origin, EXTRA_PATH, knobs.latencyRequests);
    if (sequential.failures > 0) problems.push(`${proxies} proxies: ${sequential.failures} sequential requests to ${EXTRA_PATH} did not answer 200`);
    const load = await measureScenario({ ...e2eScenario, name: `e2e at ${proxies} proxies` }, e2eKnobs, run);
    return { proxies, lookup, sequential, load };
  };

  const at1 = await measureAt(1);
  const beforeBulk = await readCollectedMemory(gateway);

  // 3. SCALE more proxies, imported then deployed, memory read after each step.
  log(`importing ${knobs.scale} mock proxies in-process`);
  const mockFiles = toMockBundle('mock', '/');
  const importStartedAt = performance.now();
  const imported = await gateway.ask({ type: 'bulkImport', files: mockFiles, apiPrefix: 'm', from: 0, to: knobs.scale, concurrency: 8 }, BULK_TIMEOUT_MS);
  if (typeof imported.error === 'string') throw new Error(`bulk import: ${imported.error}`);
  const importSeconds = (performance.now() - importStartedAt) / 1000;
  const afterImport = await readCollectedMemory(gateway);
  log(`deploying them (${knobs.deployBatch > 0 ? `${knobs.deployBatch} per change` : 'one deploy call each'})`);
  const deployStartedAt = performance.now();
  const deployed = await gateway.ask({
    type: 'bulkDeploy', environment: ENVIRONMENT, revisions: imported.revisions, apiPrefix: 'm', from: 0, to: knobs.scale, basePathPrefix: '/m',
    ...(knobs.deployBatch > 0 ? { batchSize: knobs.deployBatch } : {}),
  }, BULK_TIMEOUT_MS);
  if (typeof deployed.error === 'string') throw new Error(`bulk deploy: ${deployed.error}`);
  const deploySeconds = (performance.now() - deployStartedAt) / 1000;
  const afterDeploy = await readCollectedMemory(gateway);
  const total = knobs.scale + 1;
  const lastMock = `/m${knobs.scale - 1}`;
  await checkAnswer(origin, lastMock, JSON.stringify({ mock: 'mock' }));
  const atScale = await measureAt(total);
  log(`${total} proxies: route lookups spread over ${Math.min(SPREAD_PATHS, knobs.scale)} mocks`);
  const spreadPaths = Array.from({ length: Math.min(SPREAD_PATHS, knobs.scale) }, (_, k) => `/m${Math.floor((k * knobs.scale) / Math.min(SPREAD_PATHS, knobs.scale))}/json`);
  const spread = await lookUpRoutes(gateway, spreadPaths, knobs.lookups);
  if (spread.misses > 0) problems.push(`${total} proxies: ${spread.misses} lookups of mock paths found no proxy`);
  await gateway.close();

  // 4. Start-up with everything stored.
  log(`start-up with ${total} proxies stored`);
  const restarted = await measureStartUp(run, gatewayScript, specFor('restarted'), { name: 'restarted gateway', adminPort, nodeArgs: ['--expose-gc'], timeoutMs: START_UP_TIMEOUT_MS });
  const restartedOrigin = dataPlaneOrigin(restarted.child);
  await checkAnswer(restartedOrigin, EXTRA_PATH, EXTRA_BODY);
  await checkAnswer(restartedOrigin, lastMock, JSON.stringify({ mock: 'mock' }));
  const afterRestart = await readCollectedMemory(restarted.child);
  const readinessStatus = /** @type {{ status?: unknown } | null} */ (restarted.readiness)?.status;
  if (readinessStatus !== 'ready') problems.push(`restarted gateway: /readyz status ${JSON.stringify(readinessStatus)}, expected "ready" (${JSON.stringify(restarted.readiness).slice(0, 300)})`);
  await restarted.child.close();

  const e2e = (/** @type {Awaited<ReturnType<typeof measureAt>>} */ at) => ({
    requestsPerSec: at.load.requestsPerSec,
    latencyMs: at.load.latencyMs,
    gatewayCpuUsPerRequest: at.load.cpu.proxy?.usPerRequest ?? null,
    gatewayPercentOfCore: at.load.cpu.proxy?.percentOfCore ?? null,
    non2xx: at.load.non2xx,
    errors: at.load.errors,
  });
  summary.routeLookup = {
    what: `RouteTable.lookup("${VIRTUAL_HOST}", "${extraPaths[0]}") on the environment's live table, in the gateway process; median of ${LOOKUP_ROUNDS} rounds of LOOKUPS lookups`,
    at1: at1.lookup,
    atScale: atScale.lookup,
    atScaleSpread: { what: `paths of ${spreadPaths.length} mocks spread over the table, in turn`, ...spread },
    ratio: toRatio(atScale.lookup.nsPerLookup.median, at1.lookup.nsPerLookup.median),
    spreadRatio: toRatio(spread.nsPerLookup.median, at1.lookup.nsPerLookup.median),
  };
  summary.endToEnd = {
    what: `GET ${EXTRA_PATH}: autocannon with CONNECTIONS keep-alive connections for E2E_DURATION s after WARMUP s, and LATENCY_REQUESTS sequential requests on one connection`,
    at1: { load: e2e(at1), sequentialLatencyMs: at1.sequential.latencyMs },
    atScale: { proxies: total, load: e2e(atScale), sequentialLatencyMs: atScale.sequential.latencyMs },
    ratios: {
      requestsPerSec: toRatio(atScale.load.requestsPerSec, at1.load.requestsPerSec),
      loadLatencyP50: toRatio(atScale.load.latencyMs.p50, at1.load.latencyMs.p50),
      loadLatencyP99: toRatio(atScale.load.latencyMs.p99, at1.load.latencyMs.p99),
      gatewayCpuPerRequest: toRatio(atScale.load.cpu.proxy?.usPerRequest ?? 0, at1.load.cpu.proxy?.usPerRequest ?? 0),
      sequentialLatencyP50: toRatio(atScale.sequential.latencyMs.p50, at1.sequential.latencyMs.p50),
    },
  };
  summary.memory = {
    what: 'the gateway process after two full GCs; per-revision figures are the growth divided by SCALE',
    beforeBulk: toMemoryMiB(beforeBulk),
    afterImport: toMemoryMiB(afterImport),
    afterDeploy: toMemoryMiB(afterDeploy),
    afterRestart: { what: `a new process that restored the ${total} deployments from the store`, ...toMemoryMiB(afterRestart) },
    perDeployedRevisionKiB: {
      heapUsed: kibPer(afterDeploy.heapUsed, beforeBulk.heapUsed, knobs.scale),
      rss: kibPer(afterDeploy.rss, beforeBulk.rss, knobs.scale),
      external: kibPer(afterDeploy.external, beforeBulk.external, knobs.scale),
    },
    split: {
      importedHeapKiB: kibPer(afterImport.heapUsed, beforeBulk.heapUsed, knobs.scale),
      deployedHeapKiB: kibPer(afterDeploy.heapUsed, afterImport.heapUsed, knobs.scale),
    },
  };
  summary.startUp = {
    what: 'process spawn (node + modules + store + restore of every deployment + listeners) → first 200 on /readyz, polled every 5 ms',
    at1: { proxies: 1, readyMs: first.readyMs, adminUpMs: first.adminUpMs },
    atScale: { proxies: total, readyMs: restarted.readyMs, adminUpMs: restarted.adminUpMs, readiness: restarted.readiness },
    ratio: toRatio(restarted.readyMs, first.readyMs),
    msPerStoredProxy: Math.round(((restarted.readyMs - first.readyMs) / knobs.scale) * 1000) / 1000,
  };
  summary.bulkLoad = {
    note: summary.bulkLoad,
    importSeconds: Math.round(importSeconds * 10) / 10,
    deploySeconds: Math.round(deploySeconds * 10) / 10,
    imported: imported.imported,
    deployed: deployed.deployed,
  };
  if (first.child.hasExited() === false || restarted.child.hasExited() === false) problems.push('a gateway process did not exit when closed');
} catch (err) {
  problems.push(err instanceof Error ? err.message : String(err));
}

await run.finish(summary);
