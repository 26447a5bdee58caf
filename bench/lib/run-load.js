// Drives one load run with autocannon (keep-alive connections, bounded in time) and summarizes it.
import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';

// A run that outlives its duration by this much is stopped: a hung server must not hang the benchmark.
const WATCHDOG_SLACK_MS = 15_000;
const REQUEST_TIMEOUT_S = 10;

/**
 * @typedef {object} LoadOptions
 * @property {string} url
 * @property {number} connections
 * @property {number} pipelining
 * @property {number} durationS
 * @property {AutocannonRequest[]} [requests]  cycled through by each connection (default: GET `url`)
 * @property {Record<string, string>} [headers] sent with every request (with `requests`, each entry's own win)
 * @property {Promise<unknown>} [until]        ends the run early once settled
 */

/**
 * One entry of autocannon's `requests` option (autocannon ships no types). `onResponse` gets the response body and
 * headers, for checks of what came back.
 * @typedef {{
 *   method?: string,
 *   path?: string,
 *   headers?: Record<string, string>,
 *   body?: string | Buffer,
 *   onResponse?: (status: number, body: string, context: unknown, headers: Record<string, string>) => void,
 * }} AutocannonRequest

/**
 * @typedef {object} LoadSummary
 * @property {number} requestsPerSec  completed responses per elapsed second (mean over the run)
 * @property {number} requests        completed responses
 * @property {{ p50: number, p99: number, max: number, mean: number }} latencyMs
 * @property {number} non2xx
 * @property {number} errors          connection errors and timeouts
 * @property {number} timeouts
 * @property {Record<string, number>} statusCodes
 * @property {boolean} stoppedByWatchdog
 */

/**
 * The parts of autocannon's result used here (autocannon ships no types).
 * @typedef {{
 *   duration: number,
 *   requests: { total: number },
 *   non2xx: number,
 *   errors: number,
 *   timeouts: number,
 *   statusCodeStats?: Record<string, { count: number }>,
 * }} AutocannonResult
 */

/**
 * @param {number} value
 * @returns {number}
 */
const round3 = (value) => Math.round(value * 1000) / 1000;

/**
 * Runs autocannon against `url` for `durationS` seconds. Latency comes from a microsecond histogram fed by each
 * response, because autocannon's own histogram has a 1 ms resolution, too coarse for loopback latencies.
 * @param {LoadOptions} options
 * @returns {Promise<LoadSummary>}
 */
export function runLoad(options) {
  const latencyUs = createHistogram();
  let stoppedByWatchdog = false;
  /** @type {NodeJS.Timeout | undefined} */
  let watchdog;
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: options.url,
      connections: options.connections,
      pipelining: options.pipelining,
      duration: options.durationS,
      timeout: REQUEST_TIMEOUT_S,
      ...(options.requests ? { requests: options.requests } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    }, (/** @type {Error | null} */ err, /** @type {AutocannonResult} */ result) => {
      clearTimeout(watchdog);
      if (err) {
        reject(err);
        return;
      }
      /** @type {Record<string, number>} */
      const statusCodes = {};
      for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stats.count);
      const seen = latencyUs.count > 0;
      resolve({
        // Completed responses over elapsed time; the mean of autocannon's per-second samples undercounts a partial last second.
      requestsPerSec: result.duration > 0 ? Math.round(result.requests.total / result.duration) : 0,
        requests: result.requests.total,
        latencyMs: {
          p50: seen ? round3(latencyUs.percentile(50) / 1000) : 0,
          p99: seen ? round3(latencyUs.percentile(99) / 1000) : 0,
          max: seen ? round3(latencyUs.max / 1000) : 0,
          mean: seen ? round3(latencyUs.mean / 1000) : 0,
        },
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes,
        stoppedByWatchdog,
      });
    });
    instance.on('response', (/** @type {unknown} */ _client, /** @type {number} */ _statusCode, /** @type {number} */ _bytes, /** @type {number} */ responseTimeMs) => {
      latencyUs.record(Math.max(1, Math.round(responseTimeMs * 1000)));
    });
    const stop = () => instance.stop();
    options.until?.then(stop, stop);
    watchdog = setTimeout(() => {
      stoppedByWatchdog = true;
      instance.stop();
    }, options.durationS * 1000 + WATCHDOG_SLACK_MS);
  });
}
