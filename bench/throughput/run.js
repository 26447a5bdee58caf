// Benchmark `throughput`: a small JSON answer hit directly, through a bare undici proxy and through Baton (pass-through with and without its access log, and a 5-policy chain), at peak and at half of Baton's peak rate.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { createBenchRun } from '../lib/create-bench-run.js';
import { parseKnobSpecs, parseKnobs } from '../lib/knobs.js';
import { measureInterleaved } from '../lib/measure-interleaved.js';
import { scrapeGcPauses } from '../lib/scrape-gc-pauses.js';
import { toRatio, toRatios } from '../lib/to-ratios.js';
import { toRunInfo } from '../lib/to-run-info.js';
import { countLogLines } from './count-log-lines.js';
import {
  BASE_PATH, ENVIRONMENT, ORGANIZATION, POLICIES_API, POLICIES_BASE_PATH, POLICIES_QUERY, POLICIES_REQUEST_HEADERS,
  POLICIES_RESPONSE_HEADERS, VIRTUAL_HOST, toGatewaySpec, toNoAccessLogGatewaySpec,
} from './gateway-spec.js';
import { scrapeRequestCounts } from './scrape-request-counts.js';

const benchDir = fileURLToPath(new URL('../', import.meta.url));
const REQUEST_PATH = '/json';
/** The issue's targets (README "Performance"). */
const TARGETS = { passThroughRatio: 0.9, policiesRatio: 0.6, addedLatencyP99Ms: 1 };
/** `ROUNDS`: each scenario's DURATION is split into this many slices, measured in turn (lib/measure-interleaved.js). */
const ROUNDS_KNOB = /** @type {const} */ ([{ env: 'ROUNDS', key: 'rounds', fallback: 5, min: 1, max: 50 }]);
/** Warm-up of each run at half of the peak rate: the processes are warm already, this only opens the connections. */
const HALF_RATE_WARMUP_S = 1;

/**
 * @typedef {import('../lib/measure-scenario.js').Scenario & {
 *   proxy?: string,
 *   expectHeaders?: Readonly<Record<string, string>>,
 * }} PlannedScenario  `proxy`: the Baton proxy answering it, whose access-log lines and metrics are checked
 */

/**
 * @param {Agent} agent
 * @param {string} url
 * @param {Record<string, string> | undefined} headers
 * @returns {Promise<{ statusCode: number, body: string, headers: Record<string, unknown> }>}
 */
async function fetchOnce(agent, url, headers) {
  const res = await request(url, { dispatcher: agent, headers, headersTimeout: 5_000, bodyTimeout: 5_000 });
  return { statusCode: res.statusCode, body: await res.body.text(), headers: res.headers };
}

/**
 * @param {import('../lib/start-child.js').StartedChild} child
 * @param {string} key
 * @returns {string}
 */
const readyUrl = (child, key) => String(/** @type {Record<string, unknown>} */ (child.ready.urls)[key]);

/** @param {number} value */
const round3 = (value) => Math.round(value * 1000) / 1000;

/**
 * Requests a scenario's proxy answered in full: the check, the warm-up and the measured run.
 * @param {import('../lib/measure-scenario.js').ScenarioResult | undefined} result
 */
const completedRequests = (result) => (result ? result.requests + (result.warmup?.requests ?? 0) : 0);

const run = createBenchRun('throughput');
const { log, problems } = run;
/** @type {Record<string, import('../lib/measure-scenario.js').ScenarioResult>} */
const scenarios = {};
/** @type {Record<string, unknown>} */
const summary = {
  benchmark: 'throughput',
  ...toRunInfo(),
  knobs: undefined,
  responseBodyBytes: undefined,
  processes: 'load generator (autocannon, one thread) in this process; target, undici proxy, Baton gateway and Baton gateway without access log in one child process each',
  gatewaySettings: 'Baton defaults: log level info with one access-log line per request (written to a file through pino.destination, as `baton serve` writes stdout), data-plane and policy metrics on; batonNoAccessLog: the same with logging.accessLog false',
  scenarios,
  ratios: {},
  halfPeakRate: undefined,
  targets: undefined,
};

const agent = new Agent();
const logDir = await mkdtemp(join(tmpdir(), 'baton-bench-throughput-'));
// Also on SIGINT/SIGTERM, which end this process through process.exit (stop-on-signal.js).
process.on('exit', () => rmSync(logDir, { recursive: true, force: true }));
/** @type {import('../lib/start-child.js').StartedChild | undefined} */
let gatewayChild;
/** @type {import('../lib/start-child.js').StartedChild | undefined} */
let quietGatewayChild;
try {
  const knobs = { ...parseKnobs(process.env), rounds: /** @type {number} */ (parseKnobSpecs(process.env, ROUNDS_KNOB).rounds) };
  summary.knobs = knobs;

  log('starting target, undici proxy and gateway');
  const target = await run.start(`${benchDir}target-child.js`, {}, { name: 'target' });
  const targetUrl = readyUrl(target, 'target');
  const undiciProxy = await run.start(`${benchDir}undici-proxy-child.js`, { targetUrl }, { name: 'undici proxy' });
  const logFile = join(logDir, 'gateway.log');
  const gateway = await run.start(`${benchDir}gateway-child.js`, toGatewaySpec(targetUrl, logFile), { name: 'gateway' });
  gatewayChild = gateway;
  const gatewayUrl = readyUrl(gateway, `${ORGANIZATION}/${ENVIRONMENT}/${VIRTUAL_HOST}`);
  const quietLogFile = join(logDir, 'gateway-no-access-log.log');
  const quietGateway = await run.start(`${benchDir}gateway-child.js`, toNoAccessLogGatewaySpec(targetUrl, quietLogFile), { name: 'gateway without access log' });
  quietGatewayChild = quietGateway;

  const directUrl = `${targetUrl}${REQUEST_PATH}`;
  /** @type {PlannedScenario[]} */
  const plan = [
    { name: 'direct', path: 'client → target', url: directUrl, processes: { target } },
    {
      name: 'undiciProxy',
      path: 'client → undici Pool.stream proxy → target',
      url: `${readyUrl(undiciProxy, 'proxy')}${REQUEST_PATH}`,
      processes: { proxy: undiciProxy, target },
    },
    {
      name: 'baton',
      path: 'client → Baton pass-through proxy → target',
      url: `${gatewayUrl}${BASE_PATH}${REQUEST_PATH}`,
      processes: { proxy: gateway, target },
      proxy: 'passthrough',
    },
    {
      name: 'batonNoAccessLog',
      path: 'client → Baton pass-through proxy, access log off → target',
      url: `${readyUrl(quietGateway, `${ORGANIZATION}/${ENVIRONMENT}/${VIRTUAL_HOST}`)}${BASE_PATH}${REQUEST_PATH}`,
      processes: { proxy: quietGateway, target },
    },
    {
      name: 'batonPolicies',
      path: 'client → Baton proxy with SpikeArrest, ExtractVariables, 10 conditional flows, Javascript, AssignMessage → target',
      url: `${gatewayUrl}${POLICIES_BASE_PATH}${REQUEST_PATH}${POLICIES_QUERY}`,
      headers: { ...POLICIES_REQUEST_HEADERS },
      processes: { proxy: gateway, target },
      proxy: POLICIES_API,
      expectHeaders: POLICIES_RESPONSE_HEADERS,
    },
  ];

  /** Requests each Baton proxy answered in full (checks, warm-ups, measured runs), for the access-log and metrics checks. */
  /** @type {Record<string, number>} */
  const answeredByProxy = {};
  const countAnswered = (/** @type {string | undefined} */ proxy, /** @type {number} */ n) => {
    if (proxy) answeredByProxy[proxy] = (answeredByProxy[proxy] ?? 0) + n;
  };

  const expected = await fetchOnce(agent, directUrl, undefined);
  summary.responseBodyBytes = Buffer.byteLength(expected.body);
  /** @type {PlannedScenario[]} */
  const checked = [];
  for (const scenario of plan) {
    // A proxy that answers fast but wrong would win a benchmark: check one answer before measuring.
    const check = await fetchOnce(agent, scenario.url, scenario.headers);
    const wrongHeaders = Object.entries(scenario.expectHeaders ?? {}).filter(([name, value]) => check.headers[name] !== value);
    if (check.statusCode !== 200 || check.body !== expected.body || wrongHeaders.length > 0) {
      const got = wrongHeaders.map(([name]) => `${name}: ${JSON.stringify(check.headers[name])}`).join(', ');
      problems.push(`${scenario.name}: check request got ${check.statusCode} ${JSON.stringify(check.body.slice(0, 200))}${got ? ` with ${got}` : ''}, expected 200, the target's body${scenario.expectHeaders ? ` and ${JSON.stringify(scenario.expectHeaders)}` : ''}`);
      continue;
    }
    countAnswered(scenario.proxy, 1);
    checked.push(scenario);
  }
  Object.assign(scenarios, await measureInterleaved(checked, knobs, run));
  for (const scenario of checked) countAnswered(scenario.proxy, completedRequests(scenarios[scenario.name]));

  const { direct, undiciProxy: floor, baton, batonNoAccessLog, batonPolicies } = scenarios;
  summary.ratios = {
    'baton/undiciProxy': baton && floor ? toRatios(baton, floor) : null,
    // What the access log costs: the same gateway and proxy without it, in the same run.
    'batonNoAccessLog/undiciProxy': batonNoAccessLog && floor ? toRatios(batonNoAccessLog, floor) : null,
    'baton/batonNoAccessLog': baton && batonNoAccessLog ? toRatios(baton, batonNoAccessLog) : null,
    'batonPolicies/undiciProxy': batonPolicies && floor ? toRatios(batonPolicies, floor) : null,
    'batonPolicies/baton': batonPolicies && baton ? toRatios(batonPolicies, baton) : null,
    'baton/direct': baton && direct ? toRatios(baton, direct) : null,
    'undiciProxy/direct': floor && direct ? toRatios(floor, direct) : null,
  };
  if (!baton) problems.push('baton: not measured');
  if (!batonNoAccessLog) problems.push('batonNoAccessLog: not measured');
  if (!batonPolicies) problems.push('batonPolicies: not measured');

  // Latency Baton adds when it is not saturated: the same fixed rate (half of Baton's peak) through each path.
  /** @type {Record<string, import('../lib/measure-scenario.js').ScenarioResult>} */
  const halfRate = {};
  /** @type {{ vsDirectMs: number | null, vsUndiciProxyMs: number | null }} */
  const addedP99 = { vsDirectMs: null, vsUndiciProxyMs: null };
  if (baton && direct && floor) {
    const rate = Math.max(1, Math.round(baton.requestsPerSec / 2));
    const paced = checked.filter((s) => ['direct', 'undiciProxy', 'baton'].includes(s.name)).map((s) => ({ ...s, name: `${s.name} at ${rate}/s`, plannedName: s.name }));
    const pacedResults = await measureInterleaved(paced, { ...knobs, warmupS: Math.min(knobs.warmupS, HALF_RATE_WARMUP_S) }, run, { overallRate: rate });
    for (const scenario of paced) {
      const result = pacedResults[scenario.name];
      if (!result) continue;
      halfRate[scenario.plannedName] = result;
      countAnswered(scenario.proxy, completedRequests(result));
    }
    const p99 = (/** @type {string} */ name) => halfRate[name]?.latencyMs.p99 ?? 0;
    addedP99.vsDirectMs = round3(p99('baton') - p99('direct'));
    addedP99.vsUndiciProxyMs = round3(p99('baton') - p99('undiciProxy'));
    summary.halfPeakRate = {
      requestsPerSec: rate,
      basis: 'half of the baton scenario\'s peak requests/s; each path gets this rate, requests spread evenly (open loop, lib/run-paced-load.js), so latency is per request rather than queueing',
      scenarios: Object.fromEntries(Object.entries(halfRate).map(([name, r]) => [name, {
        requestsPerSec: r.requestsPerSec, achievedRateRatio: toRatio(r.requestsPerSec, rate), requests: r.requests, latencyMs: r.latencyMs,
        non2xx: r.non2xx, errors: r.errors, cpu: r.cpu, sendLagMs: /** @type {{ sendLagMs?: unknown }} */ (r).sendLagMs,
      }])),
      addedLatencyMs: {
        'baton-direct': { p50: round3((halfRate.baton?.latencyMs.p50 ?? 0) - (halfRate.direct?.latencyMs.p50 ?? 0)), p99: addedP99.vsDirectMs },
        'baton-undiciProxy': { p50: round3((halfRate.baton?.latencyMs.p50 ?? 0) - (halfRate.undiciProxy?.latencyMs.p50 ?? 0)), p99: addedP99.vsUndiciProxyMs },
      },
    };
  }

  const passThroughRatio = baton && floor ? toRatio(baton.requestsPerSec, floor.requestsPerSec) : null;
  const policiesRatio = batonPolicies && floor ? toRatio(batonPolicies.requestsPerSec, floor.requestsPerSec) : null;
  // Reported, never a failure: on a shared machine a missed target can be the neighbours' doing.
  summary.targets = {
    passThrough: {
      statement: `baton requests/s ≥ ${TARGETS.passThroughRatio} × undiciProxy requests/s, metrics and access log on`,
      ratio: passThroughRatio, target: TARGETS.passThroughRatio, met: passThroughRatio === null ? null : passThroughRatio >= TARGETS.passThroughRatio,
    },
    policies: {
      statement: `batonPolicies requests/s ≥ ${TARGETS.policiesRatio} × undiciProxy requests/s`,
      ratio: policiesRatio, target: TARGETS.policiesRatio, met: policiesRatio === null ? null : policiesRatio >= TARGETS.policiesRatio,
    },
    addedLatencyP99VsDirect: {
      statement: `at half of baton's peak rate, baton p99 − direct p99 < ${TARGETS.addedLatencyP99Ms} ms (what a client sees Baton add)`,
      ms: addedP99.vsDirectMs, targetMs: TARGETS.addedLatencyP99Ms, met: addedP99.vsDirectMs === null ? null : addedP99.vsDirectMs < TARGETS.addedLatencyP99Ms,
    },
    addedLatencyP99VsUndiciProxy: {
      statement: `at half of baton's peak rate, baton p99 − undiciProxy p99 < ${TARGETS.addedLatencyP99Ms} ms (Baton's own share)`,
      ms: addedP99.vsUndiciProxyMs, targetMs: TARGETS.addedLatencyP99Ms, met: addedP99.vsUndiciProxyMs === null ? null : addedP99.vsUndiciProxyMs < TARGETS.addedLatencyP99Ms,
    },
  };

  // Proof that what was measured had metrics and access logging on: both must count every answered request.
  const metrics = await scrapeRequestCounts(String(gateway.ready.adminUrl));
  summary.gatewayGcPauses = await scrapeGcPauses(String(gateway.ready.adminUrl));
  await gateway.close();
  const quietMetrics = await scrapeRequestCounts(String(quietGateway.ready.adminUrl));
  await quietGateway.close();
  const quietLogLines = await countLogLines(quietLogFile);
  // The comparison is only fair if the quiet gateway answered what it was sent and logged none of it.
  const quietAnswered = completedRequests(batonNoAccessLog) + (batonNoAccessLog ? 1 : 0);
  if ((quietMetrics.requestsByProxy.passthrough ?? 0) < quietAnswered) problems.push(`batonNoAccessLog: baton_requests_total counted ${quietMetrics.requestsByProxy.passthrough ?? 0} for ${quietAnswered} answered requests`);
  if (Object.keys(quietLogLines.accessByProxy).length > 0) problems.push(`batonNoAccessLog: access-log lines written with logging.accessLog false: ${JSON.stringify(quietLogLines.accessByProxy)}`);
  const logLines = await countLogLines(logFile);
  summary.observability = {
    answeredByProxy,
    metricsRequestsByProxy: metrics.requestsByProxy,
    metricsPolicyExecutionsByProxy: metrics.policyExecutionsByProxy,
    accessLogLinesByProxy: logLines.accessByProxy,
    batonNoAccessLog: { answered: quietAnswered, metricsRequests: quietMetrics.requestsByProxy.passthrough ?? 0, accessLogLines: quietLogLines.accessByProxy.passthrough ?? 0 },
    logBytes: logLines.bytes,
    logBytesPerLine: logLines.lines > 0 ? Math.round(logLines.bytes / logLines.lines) : 0,
    // Requests autocannon cuts off when a run ends are logged as failed response bodies or 499s: a few are expected.
    warnOrAboveLines: logLines.warnOrAbove,
    firstWarnings: logLines.firstWarnings,
  };
  for (const [proxy, answered] of Object.entries(answeredByProxy)) {
    if ((logLines.accessByProxy[proxy] ?? 0) < answered) problems.push(`${proxy}: ${logLines.accessByProxy[proxy] ?? 0} access-log lines for ${answered} answered requests`);
    if ((metrics.requestsByProxy[proxy] ?? 0) < answered) problems.push(`${proxy}: baton_requests_total counted ${metrics.requestsByProxy[proxy] ?? 0} for ${answered} answered requests`);
  }
} catch (err) {
  problems.push(err instanceof Error ? err.message : String(err));
} finally {
  await agent.close();
}
if (problems.length > 0 && gatewayChild) summary.gatewayStderrTail = gatewayChild.stderrTail();
if (problems.length > 0 && quietGatewayChild) summary.quietGatewayStderrTail = quietGatewayChild.stderrTail();

await run.finish(summary);
