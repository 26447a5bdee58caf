// Start-up time of a gateway process: from spawning it to its first 200 on /readyz, polled on its admin port.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

const POLL_MS = 5;

/**
 * @typedef {object} StartUp
 * @property {import('../lib/start-child.js').StartedChild} child
 * @property {number} readyMs       spawn → first `/readyz` 200 (the headline)
 * @property {number | null} adminUpMs  spawn → first `/readyz` answer of any status (the admin port comes up before restoring)
 * @property {number} readyLineMs   spawn → the child's ready line (after createGateway resolved)
 * @property {unknown} readiness    the 200 answer's body: `{ status: 'ready' | 'degraded', problems }`
 */

/**
 * Starts `script` with `spec` through `run` (so it is stopped with the others) and polls
 * `http://127.0.0.1:<adminPort>/readyz` from the moment it is spawned. `/readyz` answers 503 `starting` while
 * deployments are restored and 200 once every listener is up.
 * @param {import('../lib/create-bench-run.js').BenchRun} run
 * @param {string} script
 * @param {unknown} spec  must put the admin API on 127.0.0.1:`adminPort`
 * @param {{ name: string, adminPort: number, nodeArgs?: string[], timeoutMs: number }} options
 * @returns {Promise<StartUp>}
 */
export async function measureStartUp(run, script, spec, options) {
  const agent = new Agent({ connections: 1 });
  let stopped = false;
  const startedAt = performance.now();
  const poll = async () => {
    /** @type {number | null} */
    let adminUpMs = null;
    while (!stopped && performance.now() - startedAt < options.timeoutMs) {
      try {
        const res = await request(`http://127.0.0.1:${options.adminPort}/readyz`, { dispatcher: agent, headersTimeout: 5_000, bodyTimeout: 5_000 });
        const text = await res.body.text();
        const at = performance.now() - startedAt;
        adminUpMs ??= at;
        if (res.statusCode === 200) return { readyMs: at, adminUpMs, readiness: /** @type {unknown} */ (JSON.parse(text)) };
      } catch {
        // Not listening yet: the process is still loading.
      }
      await sleep(POLL_MS);
    }
    return undefined;
  };
  const polling = poll();
  try {
    const child = await run.start(script, spec, { name: options.name, nodeArgs: options.nodeArgs, readyTimeoutMs: options.timeoutMs });
    const readyLineMs = performance.now() - startedAt;
    const polled = await polling;
    if (!polled) throw new Error(`${options.name}: /readyz never answered 200 within ${options.timeoutMs} ms`);
    const round = (/** @type {number} */ ms) => Math.round(ms);
    return {
      child,
      readyMs: round(polled.readyMs),
      adminUpMs: polled.adminUpMs === null ? null : round(polled.adminUpMs),
      readyLineMs: round(readyLineMs),
      readiness: polled.readiness,
    };
  } finally {
    stopped = true;
    await polling.catch(() => undefined);
    await agent.close();
  }
}
