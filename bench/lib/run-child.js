// The child side of the bench process protocol: start a server, print one JSON ready line, close it when told or orphaned.
import { answerProbe } from './answer-probe.js';

const CLOSE_DEADLINE_MS = 5_000;

/**
 * @typedef {object} ChildServer
 * @property {Record<string, unknown>} info  merged into the ready line, e.g. `{ urls: { … } }`
 * @property {() => Promise<void>} close
 * @property {(message: { type: string } & Record<string, unknown>) => Promise<Record<string, unknown>> | undefined} [answer]
 *   answers a message of this child's own (not a probe), or returns undefined when it is not one; the answer is
 *   sent with the message's `type`, a rejection as `{ type, error }`
 */

/**
 * Runs `start(spec)` with the JSON spec from argv[2] and prints `{"ready":true,…info}` (or `{"ready":false,"error"}`)
 * on stdout. SIGTERM, SIGINT and the loss of the parent's IPC channel all close the server and exit.
 * @param {(spec: Record<string, unknown>) => Promise<ChildServer>} start
 */
export function runChild(start) {
  /** @type {Promise<ChildServer>} */
  const started = Promise.resolve().then(() => start(/** @type {Record<string, unknown>} */ (JSON.parse(process.argv[2] ?? '{}'))));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), CLOSE_DEADLINE_MS).unref();
    // A stop that arrives during start-up waits for it, so whatever start() created is still closed.
    started
      .then((server) => server.close(), () => {})
      .then(() => process.exit(0), (err) => {
        process.stderr.write(`close failed: ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent's IPC channel closes when the parent dies, even by SIGKILL: no orphan keeps serving.
  process.on('disconnect', stop);
  // CPU time is what a contended 2-core machine measures most steadily; the parent asks for it around each run,
  // and for event-loop delay and memory where a benchmark measures those (answer-probe.js).
  process.on('message', (/** @type {import('./answer-probe.js').ProbeMessage} */ message) => {
    const answer = answerProbe(message);
    if (answer) {
      process.send?.(answer);
      return;
    }
    if (typeof message?.type !== 'string') return;
    const own = /** @type {{ type: string } & Record<string, unknown>} */ (message);
    void started.then((server) => server.answer?.(own)).then(
      (reply) => reply && process.send?.({ ...reply, type: own.type }),
      (err) => process.send?.({ type: own.type, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.channel?.unref();

  started.then(
    (server) => {
      if (!stopping) process.stdout.write(`${JSON.stringify({ ready: true, ...server.info })}\n`);
    },
    (err) => {
      process.stdout.write(`${JSON.stringify({ ready: false, error: err instanceof Error ? err.stack : String(err) })}\n`);
      process.exit(1);
    },
  );
}
