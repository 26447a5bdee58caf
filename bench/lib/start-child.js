// The parent side of the bench process protocol: spawn a child script, await its ready line, stop it for sure.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const STDERR_TAIL_CHARS = 2_000;
const ASK_TIMEOUT_MS = 5_000;

/**
 * @typedef {object} StartedChild
 * @property {string} name
 * @property {number} pid
 * @property {Record<string, unknown>} ready  the child's ready line
 * @property {() => boolean} hasExited
 * @property {() => string} stderrTail        the last few KB the child wrote to stderr
 * @property {() => number} stderrLines       lines the child wrote to stderr so far (log lines, for a gateway)
 * @property {() => Promise<NodeJS.CpuUsage>} cpuUsage  the child's process.cpuUsage(), asked over IPC
 * @property {(message: { type: string } & Record<string, unknown>, timeoutMs?: number) => Promise<Record<string, unknown>>} ask
 *   sends a probe (answer-probe.js) and resolves with the child's answer of the same `type`, one at a time per type;
 *   rejects after `timeoutMs` (default 5 s; a full GC of a large heap needs more)
 * @property {() => Promise<void>} close      SIGTERM, then SIGKILL after a grace; resolves once the child is gone
 */

/**
 * Spawns `node <script> <JSON spec>` with an IPC channel (its loss tells the child to exit) and waits for the
 * child's one-line JSON ready message. On any start-up failure the child is killed before this rejects.
 * @param {string} script absolute path
 * @param {unknown} spec
 * @param {{ name: string, nodeArgs?: string[], readyTimeoutMs?: number }} options  `nodeArgs` go before the script,
 *   e.g. `--expose-gc`; `readyTimeoutMs` (default 20 s) for a child that restores a large store before it is ready
 * @returns {Promise<StartedChild>}
 */
export async function startChild(script, spec, options) {
  const args = [...(options.nodeArgs ?? []), script, JSON.stringify(spec)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // The channel lets the child notice our death and answer CPU-usage questions; it must not keep us alive.
  child.channel?.unref();
  let exited = false;
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      exited = true;
      resolve({ code: null, signal: null });
    });
  });

  // Both pipes exist: stdio is 'pipe' for them.
  const stdout = /** @type {import('node:stream').Readable} */ (child.stdout);
  const stderrPipe = /** @type {import('node:stream').Readable} */ (child.stderr);
  let stderr = '';
  let stderrLines = 0;
  stderrPipe.setEncoding('utf8');
  // Always drained: a full pipe would block the child's writes and stall it mid-benchmark.
  stderrPipe.on('data', (/** @type {string} */ chunk) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) stderrLines++;
  });

  const close = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(timer);
  };

  /** @type {Record<string, unknown>} */
  let ready;
  try {
    ready = await new Promise((resolve, reject) => {
      const lines = createInterface({ input: stdout });
      const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
      const timer = setTimeout(() => reject(new Error(`${options.name}: not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs);
      lines.once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`${options.name}: expected a JSON ready line, got ${JSON.stringify(line.slice(0, 200))}`));
        }
      });
      void exit.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${options.name}: exited before it was ready (code ${code}, signal ${signal})`));
      });
      // Anything printed after the ready line is not part of the protocol; keep the pipe flowing.
      lines.on('line', () => {});
    });
    if (ready.ready !== true) throw new Error(`${options.name}: failed to start: ${String(ready.error)}`);
  } catch (err) {
    await close();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- ${options.name} stderr ---\n${stderr}`, { cause: err });
  }

  /** @type {StartedChild['ask']} */
  const ask = (message, timeoutMs = ASK_TIMEOUT_MS) => new Promise((resolve, reject) => {
    if (exited) {
      reject(new Error(`${options.name}: has exited`));
      return;
    }
    const onMessage = (/** @type {Record<string, unknown> | null} */ answer) => {
      if (answer?.type !== message.type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`${options.name}: no ${message.type} answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    // A child that dies while working on the answer must not leave the caller waiting for the timeout.
    void exit.then(() => {
      clearTimeout(timer);
      child.off('message', onMessage);
      reject(new Error(`${options.name}: exited before answering ${message.type}`));
    });
    child.send(message);
  });

  /** @returns {Promise<NodeJS.CpuUsage>} */
  const cpuUsage = async () => {
    const answer = await ask({ type: 'cpuUsage' });
    if (!answer.usage) throw new Error(`${options.name}: a CPU usage answer without usage`);
    return /** @type {NodeJS.CpuUsage} */ (answer.usage);
  };

  return {
    name: options.name,
    pid: child.pid ?? -1,
    ready,
    hasExited: () => exited,
    stderrTail: () => stderr,
    stderrLines: () => stderrLines,
    cpuUsage,
    ask,
    close,
  };
}
