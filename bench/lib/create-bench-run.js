// The frame of one benchmark process: its log, its problems, the children it starts and the JSON summary it prints.
import { startChild } from './start-child.js';
import { stopOnSignal } from './stop-on-signal.js';

/**
 * @typedef {object} BenchRun
 * @property {(line: string) => void} log  progress on stderr (stdout carries only the summary)
 * @property {string[]} problems           anything here makes `ok` false and the exit code 1
 * @property {(script: string, spec: unknown, options: { name: string, nodeArgs?: string[], readyTimeoutMs?: number }) => Promise<import('./start-child.js').StartedChild>} start
 *   starts a child that is stopped with the others on finish, SIGINT/SIGTERM or the loss of run-all
 * @property {(summary: Record<string, unknown>) => Promise<void>} finish
 *   stops every child, then prints `summary` with `problems` and `ok` and sets the exit code
 */

/**
 * @param {string} name
 * @returns {BenchRun}
 */
export function createBenchRun(name) {
  const log = (/** @type {string} */ line) => process.stderr.write(`${name}: ${line}\n`);
  /** @type {string[]} */
  const problems = [];
  /** @type {import('./start-child.js').StartedChild[]} */
  const children = [];
  /** @type {Promise<unknown> | undefined} */
  let stopping;
  const stopAll = () => (stopping ??= Promise.all(children.map((c) => c.close())));
  stopOnSignal(stopAll, log);
  return {
    log,
    problems,
    async start(script, spec, options) {
      const child = await startChild(script, spec, options);
      children.push(child);
      return child;
    },
    async finish(summary) {
      await stopAll();
      summary.problems = problems;
      summary.ok = problems.length === 0;
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      process.exitCode = summary.ok ? 0 : 1;
    },
  };
}
