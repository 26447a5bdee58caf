// Measures one scenario: warm-up, a measured load run, and each process's CPU time over that run.
import { performance } from 'node:perf_hooks';
import { runLoad } from './run-load.js';
import { runPacedLoad } from './run-paced-load.js';

/**
 * @typedef {import('./start-child.js').StartedChild} StartedChild
 * @typedef {import('./run-load.js').LoadSummary} LoadSummary
 * @typedef {{ percentOfCore: number, usPerRequest: number }} CpuSummary
 */

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} path  the hops, for the reader: `client → … → target`
 * @property {string} url
 * @property {Record<string, string>} [headers]  sent with every request
 * @property {Record<string, StartedChild>} processes  child processes on the path, by role (`proxy`, `target`)
 */

/**
 * @typedef {LoadSummary & {
 *   path: string,
 *   url: string,
 *   cpu: Record<string, CpuSummary>,
 *   warmup: { requests: number, non2xx: number, errors: number } | undefined,
 * }} ScenarioResult
 */

/**
 * CPU time of this process (the load generator) and of the scenario's children, in microseconds.
 * @param {Scenario} scenario
 * @returns {Promise<Record<string, number>>}
 */
async function readCpuUs(scenario) {
  const own = process.cpuUsage();
  /** @type {Record<string, number>} */
  const usage = { loadGenerator: own.user + own.system };
  for (const [role, child] of Object.entries(scenario.processes)) {
    const { user, system } = await child.cpuUsage();
    usage[role] = user + system;
  }
  return usage;
}

/**
 * Warms up (unmeasured), then measures. CPU time is recorded because on a small, shared machine CPU per request
 * is steadier than requests/s, and a `percentOfCore` near 100 shows which process was the bottleneck.
 * Problems (non-2xx, errors, watchdog stops, a child that died) are appended to `problems`.
 * @param {Scenario} scenario
 * @param {import('./knobs.js').Knobs} knobs
 * @param {{ problems: string[], log: (line: string) => void }} report
 * @param {{ overallRate?: number }} [pace]  a fixed request rate, paced evenly (run-paced-load.js), instead of as fast as answered
 * @returns {Promise<ScenarioResult>}
 */
export async function measureScenario(scenario, knobs, report, pace = {}) {
  const load = { url: scenario.url, connections: knobs.connections, pipelining: knobs.pipelining, headers: scenario.headers };
  const rate = pace.overallRate;
  /** @param {number} durationS */
  const runFor = (durationS) => (rate
    ? runPacedLoad({ url: scenario.url, headers: scenario.headers, rate, durationS, connections: knobs.connections })
    : runLoad({ ...load, durationS }));
  let warmup;
  if (knobs.warmupS > 0) {
    report.log(`${scenario.name}: warming up for ${knobs.warmupS} s`);
    warmup = await runFor(knobs.warmupS);
  }
  report.log(`${scenario.name}: measuring for ${knobs.durationS} s${rate ? ` at ${rate} requests/s` : ''}`);
  const cpuBefore = await readCpuUs(scenario);
  const startedAt = performance.now();
  const measured = await runFor(knobs.durationS);
  const elapsedUs = (performance.now() - startedAt) * 1000;
  const cpuAfter = await readCpuUs(scenario);
  /** @type {Record<string, CpuSummary>} */
  const cpu = {};
  for (const role of Object.keys(cpuBefore)) {
    const usedUs = (cpuAfter[role] ?? 0) - (cpuBefore[role] ?? 0);
    cpu[role] = {
      percentOfCore: Math.round((usedUs / elapsedUs) * 100),
      usPerRequest: measured.requests > 0 ? Math.round(usedUs / measured.requests) : 0,
    };
  }

  for (const [phase, result] of /** @type {const} */ ([['warmup', warmup], ['measured', measured]])) {
    if (!result) continue;
    if (result.non2xx > 0 || result.errors > 0) {
      report.problems.push(`${scenario.name} (${phase}): ${result.non2xx} non-2xx responses, ${result.errors} errors (${result.timeouts} timeouts)`);
    }
    if (result.stoppedByWatchdog) report.problems.push(`${scenario.name} (${phase}): stopped by the watchdog`);
  }
  for (const child of Object.values(scenario.processes)) {
    if (child.hasExited()) report.problems.push(`${scenario.name}: the ${child.name} process exited during the run\n${child.stderrTail()}`);
  }
  return {
    path: scenario.path,
    url: scenario.url,
    ...measured,
    cpu,
    warmup: warmup && { requests: warmup.requests, non2xx: warmup.non2xx, errors: warmup.errors },
  };
}
