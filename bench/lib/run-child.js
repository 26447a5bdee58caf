// The child side of the bench process protocol: start a server, print one JSON ready line, close it when told or orphaned.

const CLOSE_DEADLINE_MS = 5_000;

/**
 * @typedef {object} ChildServer
 * @property {Record<string, unknown>} info  merged into the ready line, e.g. `{ urls: { … } }`
 * @property {() => Promise<void>} close
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
  // CPU time is what a contended 2-core machine measures most steadily; the parent asks for it around each run.
  process.on('message', (/** @type {{ type?: unknown } | null} */ message) => {
    if (message?.type === 'cpuUsage') process.send?.({ type: 'cpuUsage', usage: process.cpuUsage() });
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
