// Stops a benchmark's child processes on SIGINT/SIGTERM, or when run-all (our IPC parent) goes away, then exits.

/**
 * Installs the handlers. `stopAll` must be idempotent: the normal path's `finally` calls it too.
 * @param {() => Promise<unknown>} stopAll
 * @param {(line: string) => void} log
 */
export function stopOnSignal(stopAll, log) {
  const stop = (/** @type {string} */ reason) => {
    log(`${reason}: stopping child processes`);
    void stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Started by run-all: if it dies, stop too (our children then lose their own channel and stop as well).
  if (process.channel) {
    process.on('disconnect', () => stop('parent gone'));
    process.channel.unref();
  }
}
