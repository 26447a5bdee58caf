// Checks every data-plane answer of swap-under-load: the echoed body hash, the revision header, the expected revision.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const REVISION_HEADER = 'x-baton-revision';
const SAMPLES_KEPT = 3;

/**
 * @typedef {object} ResponseTally
 * @property {Record<string, number>} revisions  answers per `X-Baton-Revision` value (`none`: the header was missing)
 * @property {number} bodyMismatches             2xx answers whose echoed size or sha-256 differ from what was sent
 * @property {number} staleRevision              answers from another revision than the one a deploy left serving
 * @property {number} checkedForStaleness        answers the stale-revision check applied to
 * @property {string[]} samples                  the first few failed checks, for the reader
 */

/**
 * @param {string} text
 * @returns {{ method?: unknown, bytes?: unknown, sha256?: unknown } | undefined}
 */
function parseEcho(text) {
  try {
    return /** @type {{ method?: unknown, bytes?: unknown, sha256?: unknown }} */ (JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * @param {Buffer} body  what POSTs send (GETs send nothing)
 * @param {import('./create-deploy-timeline.js').DeployTimeline | undefined} timeline  set where requests are checked against deploys
 */
export function createResponseCheck(body, timeline) {
  const expected = {
    GET: { bytes: 0, sha256: createHash('sha256').digest('hex') },
    POST: { bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') },
  };
  /** @type {ResponseTally} */
  const tally = { revisions: {}, bodyMismatches: 0, staleRevision: 0, checkedForStaleness: 0, samples: [] };
  const sample = (/** @type {string} */ line) => {
    if (tally.samples.length < SAMPLES_KEPT) tally.samples.push(line);
  };

  /**
   * @param {'GET' | 'POST'} method
   * @param {number} status
   * @param {string} text
   * @param {string | undefined} revision
   * @param {number | undefined} sentAtMs  known for the new-connection clients only
   */
  const check = (method, status, text, revision, sentAtMs) => {
    const label = revision ?? 'none';
    tally.revisions[label] = (tally.revisions[label] ?? 0) + 1;
    if (status < 200 || status > 299) return;
    const echo = parseEcho(text);
    const want = expected[method];
    if (echo?.method !== method || echo.bytes !== want.bytes || echo.sha256 !== want.sha256) {
      tally.bodyMismatches++;
      sample(`${method}: expected ${want.bytes} bytes with sha-256 ${want.sha256.slice(0, 12)}…, got ${text.slice(0, 160)}`);
    }
    if (timeline && sentAtMs !== undefined) {
      const must = timeline.expectedAt(sentAtMs, performance.now());
      if (must === undefined) return;
      tally.checkedForStaleness++;
      if (revision !== must) {
        tally.staleRevision++;
        sample(`${method} sent after the deploy of ${must} returned was answered by ${label}`);
      }
    }
  };

  return {
    tally,
    /**
     * For autocannon's `onResponse`: raw header names, case as sent.
     * @param {'GET' | 'POST'} method
     */
    onKeepAliveResponse: (method) => (/** @type {number} */ status, /** @type {string} */ text, /** @type {unknown} */ _context, /** @type {Record<string, string | string[]>} */ headers) => {
      let revision;
      for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === REVISION_HEADER) revision = String(value);
      check(method, status, text, revision, undefined);
    },
    /**
     * For runFreshConnectionLoad's `onResponse`.
     * @param {'GET' | 'POST'} method
     */
    onFreshResponse: (method) => (/** @type {number} */ status, /** @type {Buffer} */ buffer, /** @type {import('node:http').IncomingHttpHeaders} */ headers, /** @type {number} */ sentAtMs) => {
      const value = headers[REVISION_HEADER];
      check(method, status, buffer.toString('utf8'), value === undefined ? undefined : String(value), sentAtMs);
    },
  };
}
