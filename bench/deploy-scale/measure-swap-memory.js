// The memory check: many seamless swaps of one proxy, then a full GC; does the heap come back to where it was?
import { setTimeout as sleep } from 'node:timers/promises';

const GC_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 30_000;
const SETTLE_POLL_MS = 50;
/** The heap may end this much above its baseline and still count as returned. */
export const HEAP_TOLERANCE = 0.1;

/** @param {number} bytes */
const toMiB = (bytes) => Math.round((bytes / 1_048_576) * 10) / 10;

/**
 * The gateway's memory after two full GCs (the child runs with --expose-gc).
 * @param {import('../lib/start-child.js').StartedChild} gateway
 * @returns {Promise<NodeJS.MemoryUsage>}
 */
export async function readCollectedMemory(gateway) {
  const answer = await gateway.ask({ type: 'memoryUsage', gc: true }, GC_TIMEOUT_MS);
  if (answer.collected !== true) throw new Error('the gateway child cannot collect garbage: start it with --expose-gc');
  return /** @type {NodeJS.MemoryUsage} */ (answer.usage);
}

/**
 * Waits until the proxy's listing shows one revision: the replaced one has been undeployed and drained.
 * @param {import('../lib/admin-client.js').AdminClient} admin
 * @param {string} api
 */
async function waitForOneRevision(admin, api) {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const listing = await admin.listDeployments(api);
    const environments = /** @type {{ environment?: Array<{ revision?: unknown[] }> }} */ (listing.body).environment ?? [];
    if (environments.reduce((n, e) => n + (e.revision?.length ?? 0), 0) === 1) return;
    if (Date.now() > deadline) throw new Error(`${api}: still more than one revision listed ${SETTLE_TIMEOUT_MS} ms after the last swap`);
    await sleep(SETTLE_POLL_MS);
  }
}

/**
 * @param {import('./measure-deploys.js').DeploySubject} subject
 * @param {number} cycles  swaps (one deploy call each)
 */
export async function measureSwapMemory(subject, cycles) {
  await waitForOneRevision(subject.admin, subject.api);
  const before = await readCollectedMemory(subject.gateway);
  for (let i = 0; i < cycles; i++) {
    const next = subject.state.current === subject.revisions[0] ? subject.revisions[1] : subject.revisions[0];
    const reply = await subject.admin.deploy(subject.environment, subject.api, next, { override: true, delaySeconds: 0 });
    if (reply.statusCode !== 200) throw new Error(`swap ${i + 1}: ${reply.statusCode} ${JSON.stringify(reply.body).slice(0, 300)}`);
    subject.state.current = next;
  }
  await waitForOneRevision(subject.admin, subject.api);
  const after = await readCollectedMemory(subject.gateway);
  return {
    cycles,
    before: { rssMiB: toMiB(before.rss), heapUsedMiB: toMiB(before.heapUsed), externalMiB: toMiB(before.external) },
    after: { rssMiB: toMiB(after.rss), heapUsedMiB: toMiB(after.heapUsed), externalMiB: toMiB(after.external) },
    heapGrowthBytesPerSwap: cycles > 0 ? Math.round((after.heapUsed - before.heapUsed) / cycles) : 0,
    heapReturnedNearBaseline: after.heapUsed <= before.heapUsed * (1 + HEAP_TOLERANCE),
  };
}

export { toMiB };
