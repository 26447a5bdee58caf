// Data-plane latency of one proxy, one request at a time on one keep-alive connection (no queueing in the figure).
import { createHistogram, performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { toLatencyMs } from '../lib/to-latency-ms.js';

const WARMUP_REQUESTS = 200;

/**
 * @param {string} origin
 * @param {string} path
 * @param {number} requests  measured, after a short warm-up
 */
export async function measureRouteLatency(origin, path, requests) {
  const pool = new Pool(origin, { connections: 1 });
  const latencyUs = createHistogram();
  let failures = 0;
  try {
    for (let i = 0; i < WARMUP_REQUESTS + requests; i++) {
      const startedAt = performance.now();
      const res = await pool.request({ method: 'GET', path, headersTimeout: 5_000, bodyTimeout: 5_000 });
      await res.body.dump();
      if (res.statusCode !== 200) failures++;
      if (i >= WARMUP_REQUESTS) latencyUs.record(Math.max(1, Math.round((performance.now() - startedAt) * 1000)));
    }
  } finally {
    await pool.close();
  }
  return { requests, failures, latencyMs: toLatencyMs(latencyUs) };
}
