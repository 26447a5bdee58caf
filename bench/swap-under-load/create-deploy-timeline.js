// When each deploy call ran and what it left serving, to tell which revision a request had to get.
import { performance } from 'node:perf_hooks';

/**
 * @typedef {object} DeployTimeline
 * @property {(revision: string) => () => void} begin  marks a deploy call that leaves `revision` serving; call the result when it returned
 * @property {(sentAtMs: number, receivedAtMs: number) => string | undefined} expectedAt
 *   the revision a request sent and answered at these times (performance.now()) must have got, or undefined
 *   when a deploy call overlapped it (either revision is right then)
 */

/**
 * Baton's promise (README, deploy semantics): the new revision serves every request that arrives after the
 * deploy call returns. A request sent after one call returned and answered before the next call began can only
 * have been served by that call's revision.
 * @param {string} initialRevision  what serves before the first call
 * @returns {DeployTimeline}
 */
export function createDeployTimeline(initialRevision) {
  /** @type {Array<{ startMs: number, endMs: number, revision: string }>} in start order */
  const calls = [{ startMs: -Infinity, endMs: -Infinity, revision: initialRevision }];
  return {
    begin(revision) {
      const call = { startMs: performance.now(), endMs: Infinity, revision };
      calls.push(call);
      return () => {
        call.endMs = performance.now();
      };
    },
    expectedAt(sentAtMs, receivedAtMs) {
      for (let i = calls.length - 1; i >= 0; i--) {
        const call = /** @type {{ startMs: number, endMs: number, revision: string }} */ (calls[i]);
        if (call.startMs > receivedAtMs) continue;
        if (call.endMs >= sentAtMs) return undefined;
        return call.revision;
      }
      return undefined;
    },
  };
}
