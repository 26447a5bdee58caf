// Drives an open-loop load at a fixed request rate (requests spread evenly over time, keep-alive), bounded in time.
import { createHistogram, performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { toLatencyMs } from './to-latency-ms.js';

const REQUEST_TIMEOUT_MS = 10_000;
// A run whose last requests are still unanswered this long after its duration is stopped.
const WATCHDOG_SLACK_MS = 15_000;
/** How often the pacer wakes up; requests due since the last wake-up are sent together (at most a few at a time). */
const TICK_MS = 1;

/**
 * @typedef {object} PacedLoadOptions
 * @property {string} url
 * @property {Record<string, string>} [headers]
 * @property {number} rate          requests per second, over all connections
 * @property {number} durationS
 * @property {number} connections  keep-alive connections at most (only as many as the requests in flight are used)
 */

/**
 * @typedef {import('./run-load.js').LoadSummary & { sendLagMs: { p50: number, p99: number, max: number, mean: number } }} PacedLoadSummary
 *   `sendLagMs`: how late requests left compared with their even schedule (the load generator's own delay; a large
 *   lag means this process was short of CPU and the rate was not what was asked)
 */

/**
 * Sends request k at `k / rate` seconds after the start, whatever the previous ones are doing (open loop), so the
 * latency of each request is its own, not the queue behind a fixed number of connections. autocannon's `overallRate`
 * is not used for this: it lets each connection send its whole quota for a second back to back and then pause, so
 * half of each second runs at full speed and latency is queueing again. Latency is from sending a request to the
 * end of its response body, in microseconds.
 * @param {PacedLoadOptions} options
 * @returns {Promise<PacedLoadSummary>}
 */
export function runPacedLoad(options) {
  const target = new URL(options.url);
  const path = `${target.pathname}${target.search}`;
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const latencyUs = createHistogram();
  const lagUs = createHistogram();
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  /** @type {Record<string, number>} */
  const statusCodes = {};
  let sent = 0;
  let settled = 0;
  let completed = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let lastEndAt = 0;

  return new Promise((resolve) => {
    const startedAt = performance.now();
    let finished = false;
    let stoppedByWatchdog = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(watchdog);
      const elapsedS = ((lastEndAt || performance.now()) - startedAt) / 1000;
      void pool.destroy().finally(() => resolve({
        requestsPerSec: elapsedS > 0 ? Math.round(completed / elapsedS) : 0,
        requests: completed,
        latencyMs: toLatencyMs(latencyUs),
        non2xx,
        errors,
        timeouts,
        statusCodes,
        stoppedByWatchdog,
        sendLagMs: toLatencyMs(lagUs),
      }));
    };
    const sendOne = (/** @type {number} */ dueAt) => {
      const sentAt = performance.now();
      lagUs.record(Math.max(1, Math.round((sentAt - dueAt) * 1000)));
      pool.request({ method: 'GET', path, headers: options.headers, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS })
        .then(async (res) => {
          await res.body.dump();
          lastEndAt = performance.now();
          latencyUs.record(Math.max(1, Math.round((lastEndAt - sentAt) * 1000)));
          completed++;
          statusCodes[res.statusCode] = (statusCodes[res.statusCode] ?? 0) + 1;
          if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
        }, (/** @type {{ code?: string }} */ err) => {
          errors++;
          if (err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT') timeouts++;
        })
        .finally(() => {
          if (++settled === total) finish();
        });
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - startedAt) * options.rate) / 1000) + 1);
      while (sent < due) {
        sendOne(startedAt + (sent * 1000) / options.rate);
        sent++;
      }
      if (sent === total) clearInterval(timer);
    }, TICK_MS);
    const watchdog = setTimeout(() => {
      stoppedByWatchdog = true;
      finish();
    }, options.durationS * 1000 + WATCHDOG_SLACK_MS);
  });
}
