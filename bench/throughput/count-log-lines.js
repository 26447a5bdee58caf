// Counts the gateway's log lines by kind: access-log lines per proxy, and lines at warn or above.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** pino's numeric level of `warn`. */
const WARN = 40;

/**
 * @typedef {object} LogLineCounts
 * @property {number} bytes
 * @property {number} lines
 * @property {Record<string, number>} accessByProxy  access-log lines (`access: true`) per `proxy` binding
 * @property {number} warnOrAbove
 * @property {string[]} firstWarnings  the `msg` of the first few lines at warn or above
 */

/**
 * @param {string} file  a pino (JSON lines) log file
 * @returns {Promise<LogLineCounts>}
 */
export async function countLogLines(file) {
  const { size } = await stat(file);
  /** @type {LogLineCounts} */
  const counts = { bytes: size, lines: 0, accessByProxy: {}, warnOrAbove: 0, firstWarnings: [] };
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    counts.lines++;
    /** @type {{ level?: number, access?: boolean, proxy?: string, msg?: string }} */
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.access === true) {
      const proxy = entry.proxy ?? '(unrouted)';
      counts.accessByProxy[proxy] = (counts.accessByProxy[proxy] ?? 0) + 1;
    }
    if ((entry.level ?? 0) >= WARN) {
      counts.warnOrAbove++;
      if (counts.firstWarnings.length < 5) counts.firstWarnings.push(String(entry.msg));
    }
  }
  return counts;
}
