// Measures several scenarios in interleaved rounds, so that a burst of noise on a shared machine hits them all alike.
import { measureScenario } from './measure-scenario.js';

/**
 * @typedef {import('./measure-scenario.js').Scenario} Scenario
 * @typedef {import('./measure-scenario.js').ScenarioResult} ScenarioResult
 * @typedef {{ requestsPerSec: number, latencyMs: { p50: number, p99: number }, proxyUsPerRequest: number | undefined }} RoundFigures
 * @typedef {ScenarioResult & { rounds: RoundFigures[] }} InterleavedResult
 */

/**
 * @param {unknown} result
 * @returns {result is { sendLagMs: { p50: number, p99: number, max: number, mean: number } }}
 */
const hasSendLag = (result) => typeof result === 'object' && result !== null && 'sendLagMs' in result;

/** @param {ScenarioResult[]} results */
function toMedianLag(results) {
  const lags = results.filter(hasSendLag).map((r) => r.sendLagMs);
  const pick = (/** @type {'p50' | 'p99' | 'mean'} */ key) => Math.round(median(lags.map((l) => l[key])) * 1000) / 1000;
  return { p50: pick('p50'), p99: pick('p99'), max: Math.max(...lags.map((l) => l.max)), mean: pick('mean') };
}

/** @param {number[]} values  at least one */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? /** @type {number} */ (sorted[mid]) : ((/** @type {number} */ (sorted[mid - 1]) + /** @type {number} */ (sorted[mid])) / 2);
}

/**
 * Warms each scenario up once, then runs `rounds` rounds; each round measures every scenario in turn for
 * `durationS / rounds` seconds. Measured one after another for the whole duration, a scenario that happened to run
 * while a neighbour was busy looked slower than it is, and ratios between scenarios moved by half from one run to the
 * next; interleaved, each scenario gets its share of good and bad moments.
 *
 * Per scenario the result is the median round: requests/s, each latency percentile and each process's CPU figures
 * are medians over the rounds; counts (requests, non-2xx, errors) are totals; `rounds` lists each round's figures.
 * @param {Scenario[]} scenarios
 * @param {import('./knobs.js').Knobs & { rounds: number }} knobs
 * @param {{ problems: string[], log: (line: string) => void }} report
 * @param {{ overallRate?: number }} [pace]
 * @returns {Promise<Record<string, InterleavedResult>>}
 */
export async function measureInterleaved(scenarios, knobs, report, pace = {}) {
  /** @type {Record<string, ScenarioResult[]>} */
  const byScenario = Object.fromEntries(scenarios.map((s) => [s.name, []]));
  /** @type {Record<string, ScenarioResult['warmup']>} */
  const warmups = {};
  const sliceS = Math.max(1, Math.round(knobs.durationS / knobs.rounds));
  for (let round = 0; round < knobs.rounds; round++) {
    for (const scenario of scenarios) {
      // The first round carries the warm-up; later rounds start on warm processes and open connections.
      const roundKnobs = { ...knobs, durationS: sliceS, warmupS: round === 0 ? knobs.warmupS : 0 };
      report.log(`${scenario.name}: round ${round + 1} of ${knobs.rounds}`);
      const result = await measureScenario(scenario, roundKnobs, report, pace);
      if (round === 0) warmups[scenario.name] = result.warmup;
      byScenario[scenario.name]?.push(result);
    }
  }
  return Object.fromEntries(scenarios.map((scenario) => [scenario.name, toMedianResult(byScenario[scenario.name] ?? [], warmups[scenario.name])]));
}

/**
 * @param {ScenarioResult[]} results  one per round, at least one
 * @param {ScenarioResult['warmup']} warmup
 * @returns {InterleavedResult}
 */
function toMedianResult(results, warmup) {
  const first = /** @type {ScenarioResult} */ (results[0]);
  const sum = (/** @type {(r: ScenarioResult) => number} */ pick) => results.reduce((total, r) => total + pick(r), 0);
  /** @type {Record<string, number>} */
  const statusCodes = {};
  for (const r of results) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  /** @type {ScenarioResult['cpu']} */
  const cpu = {};
  for (const role of Object.keys(first.cpu)) {
    cpu[role] = {
      percentOfCore: Math.round(median(results.map((r) => r.cpu[role]?.percentOfCore ?? 0))),
      usPerRequest: Math.round(median(results.map((r) => r.cpu[role]?.usPerRequest ?? 0))),
    };
  }
  const latency = (/** @type {'p50' | 'p99' | 'max' | 'mean'} */ key) => Math.round(median(results.map((r) => r.latencyMs[key])) * 1000) / 1000;
  return {
    ...first,
    requestsPerSec: Math.round(median(results.map((r) => r.requestsPerSec))),
    requests: sum((r) => r.requests),
    latencyMs: { p50: latency('p50'), p99: latency('p99'), max: Math.max(...results.map((r) => r.latencyMs.max)), mean: latency('mean') },
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    statusCodes,
    stoppedByWatchdog: results.some((r) => r.stoppedByWatchdog),
    cpu,
    warmup,
    // Paced runs: how late the load generator sent, the median round's figures.
    ...(hasSendLag(first) ? { sendLagMs: toMedianLag(results) } : {}),
    rounds: results.map((r) => ({ requestsPerSec: r.requestsPerSec, latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99 }, proxyUsPerRequest: r.cpu.proxy?.usPerRequest })),
  };
}
