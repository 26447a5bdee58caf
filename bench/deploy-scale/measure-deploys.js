// Times seamless deploys of one proxy from the client and reads the gateway's longest event-loop block during each.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { toLatencyMs } from '../lib/to-latency-ms.js';

/** monitorEventLoopDelay's timer period in the gateway: a block shorter than this can go unseen. */
const EVENT_LOOP_RESOLUTION_MS = 1;

/**
 * @typedef {object} DeploySubject
 * @property {import('../lib/admin-client.js').AdminClient} admin
 * @property {import('../lib/start-child.js').StartedChild} gateway
 * @property {string} environment
 * @property {string} api
 * @property {[number, number]} revisions  swapped in turn
 * @property {{ current: number }} state   the revision serving now; updated
 */

/**
 * The store's snapshot file changes when the store compacts its journal, a whole-state serialization that can
 * show up as one long block: reported beside the blocks so an outlier can be told from a deploy's own cost.
 * @param {string} storeDir
 */
const readSnapshotMtimeMs = (storeDir) => {
  try {
    return statSync(join(storeDir, 'snapshot.json')).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * CPU milliseconds between two process.cpuUsage() readings.
 * @param {NodeJS.CpuUsage} after
 * @param {NodeJS.CpuUsage} before
 */
const toCpuMs = (after, before) => Math.round((after.user + after.system - before.user - before.system) / 10) / 100;

/**
 * Runs `count` swaps (override=true, delay=0). Around each: the gateway's event-loop histogram is reset, the
 * deploy call is timed, then the histogram's max is read, so each deploy gets its own longest block.
 * @param {DeploySubject} subject
 * @param {number} count
 */
export async function measureDeploys(subject, count) {
  const callUs = createHistogram();
  const blockUs = createHistogram();
  const storeDir = String(subject.gateway.ready.storeDir);
  /** @type {Array<{ deploy: number, blockMs: number, callMs: number, gatewayCpuMs: number, gcMaxPauseMs: number, compaction: boolean }>} */
  const longest = [];
  let compactions = 0;
  let gcMaxPauseMs = 0;
  for (let i = 0; i < count; i++) {
    const next = subject.state.current === subject.revisions[0] ? subject.revisions[1] : subject.revisions[0];
    const snapshotBefore = readSnapshotMtimeMs(storeDir);
    const reset = await subject.gateway.ask({ type: 'eventLoopDelay', action: 'reset', resolutionMs: EVENT_LOOP_RESOLUTION_MS });
    const reply = await subject.admin.deploy(subject.environment, subject.api, next, { override: true, delaySeconds: 0 });
    const delay = await subject.gateway.ask({ type: 'eventLoopDelay', action: 'read' });
    if (reply.statusCode !== 200) throw new Error(`deploy ${i + 1} of ${subject.api} revision ${next}: ${reply.statusCode} ${JSON.stringify(reply.body).slice(0, 300)}`);
    subject.state.current = next;
    const compaction = readSnapshotMtimeMs(storeDir) !== snapshotBefore;
    if (compaction) compactions++;
    const blockMs = Number(delay.maxBlockMs);
    const gc = /** @type {{ maxMs: number }} */ (delay.gc);
    gcMaxPauseMs = Math.max(gcMaxPauseMs, gc.maxMs);
    callUs.record(Math.max(1, Math.round(reply.durationMs * 1000)));
    blockUs.record(Math.max(1, Math.round(blockMs * 1000)));
    longest.push({
      deploy: i + 1,
      blockMs,
      callMs: Math.round(reply.durationMs * 100) / 100,
      gatewayCpuMs: toCpuMs(/** @type {NodeJS.CpuUsage} */ (delay.cpuUsage), /** @type {NodeJS.CpuUsage} */ (reset.cpuUsage)),
      gcMaxPauseMs: gc.maxMs,
      compaction,
    });
    longest.sort((a, b) => b.blockMs - a.blockMs);
    longest.length = Math.min(longest.length, 3);
  }
  const blocks = toLatencyMs(blockUs);
  return {
    deploys: count,
    callMs: toLatencyMs(callUs),
    eventLoopBlockMs: { p50: blocks.p50, p99: blocks.p99, max: blocks.max },
    gcMaxPauseMs,
    storeCompactions: compactions,
    longestBlocks: longest,
  };
}

export { EVENT_LOOP_RESOLUTION_MS };
