// Drives load where every request opens its own connection (what autocannon cannot do), bounded in clients and time.
import { request as httpRequest } from 'node:http';
import { createHistogram, performance } from 'node:perf_hooks';
import { toLatencyMs } from './to-latency-ms.js';

const WATCHDOG_SLACK_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * @typedef {object} FreshRequest
 * @property {'GET' | 'POST'} method
 * @property {string} path
 * @property {Record<string, string>} [headers]
 * @property {Buffer} [body]
 * @property {(status: number, body: Buffer, headers: import('node:http').IncomingHttpHeaders, startedAtMs: number) => void} [onResponse]
 *   `startedAtMs` is performance.now() when the request was sent
 */

/**
 * @typedef {object} FreshLoadOptions
 * @property {string} origin       `http://host:port`
 * @property {number} clients      requests in flight at any time, each on its own new connection
 * @property {number} durationS    longest run; `until` may end it sooner
 * @property {FreshRequest[]} requests  cycled through by each client
 * @property {Promise<unknown>} [until]
 */

/**
 * One request on a new connection (`agent: false`, `Connection: close`).
 * @param {URL} origin
 * @param {FreshRequest} spec
 * @returns {Promise<{ status: number, body: Buffer, headers: import('node:http').IncomingHttpHeaders }>}
 */
function sendOnNewConnection(origin, spec) {
  return new Promise((resolve, reject) => {
    /** @type {Record<string, string | number>} */
    const headers = { connection: 'close', ...spec.headers };
    if (spec.body) headers['content-length'] = spec.body.length;
    const req = httpRequest({
      host: origin.hostname, port: origin.port, method: spec.method, path: spec.path, headers, agent: false, timeout: REQUEST_TIMEOUT_MS,
    }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'BENCH_TIMEOUT' })));
    req.once('error', reject);
    req.end(spec.body);
  });
}

/**
 * Runs `clients` loops, each sending its next request as soon as the previous one is answered, until `durationS`
 * passes or `until` settles. Latency covers the connect, the request and the whole response body.
 * @param {FreshLoadOptions} options
 * @returns {Promise<import('./run-load.js').LoadSummary & { errorCodes: Record<string, number> }>}
 */
export async function runFreshConnectionLoad(options) {
  const origin = new URL(options.origin);
  const latencyUs = createHistogram();
  /** @type {Record<string, number>} */
  const statusCodes = {};
  /** @type {Record<string, number>} */
  const errorCodes = {};
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let stopped = false;
  let stoppedByWatchdog = false;
  const stop = () => {
    stopped = true;
  };
  options.until?.then(stop, stop);
  const endTimer = setTimeout(stop, options.durationS * 1000);

  const startedAt = performance.now();
  const runClient = async (/** @type {number} */ client) => {
    for (let i = client; !stopped; i++) {
      const spec = /** @type {FreshRequest} */ (options.requests[i % options.requests.length]);
      const sentAt = performance.now();
      let res;
      try {
        res = await sendOnNewConnection(origin, spec);
      } catch (err) {
        errors++;
        const code = String(/** @type {{ code?: unknown }} */ (err).code ?? 'unknown');
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        if (code === 'BENCH_TIMEOUT') timeouts++;
        continue;
      }
      latencyUs.record(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
      requests++;
      statusCodes[res.status] = (statusCodes[res.status] ?? 0) + 1;
      if (res.status < 200 || res.status > 299) non2xx++;
      spec.onResponse?.(res.status, res.body, res.headers, sentAt);
    }
  };
  /** @type {NodeJS.Timeout | undefined} */
  let watchdog;
  const overdue = new Promise((resolve) => {
    watchdog = setTimeout(() => {
      stoppedByWatchdog = true;
      stop();
      resolve(undefined);
    }, options.durationS * 1000 + WATCHDOG_SLACK_MS);
  });
  await Promise.race([Promise.all(Array.from({ length: options.clients }, (_, client) => runClient(client))), overdue]);
  clearTimeout(endTimer);
  clearTimeout(watchdog);
  const elapsedS = (performance.now() - startedAt) / 1000;
  return {
    requestsPerSec: elapsedS > 0 ? Math.round(requests / elapsedS) : 0,
    requests,
    latencyMs: toLatencyMs(latencyUs),
    non2xx,
    errors,
    timeouts,
    statusCodes,
    errorCodes,
    stoppedByWatchdog,
  };
}
