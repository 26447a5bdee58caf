// Baton's log destination: pino's lines gathered into batches and written through an asynchronous SonicBoom, with everything written out at exit.
import { openSync } from 'node:fs';
import * as onExit from 'on-exit-leak-free';
import { pino, type DestinationStream } from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

/**
 * Log bytes gathered before a write. Writing each line as it comes costs a write through libuv's thread pool per
 * line: measured at about 80 µs of gateway CPU per request for the access log, against 30-35 µs with 8 KiB batches.
 * Each write wakes a pool thread and then the event loop, and on a loaded machine a wake-up costs tens of
 * microseconds: 64 KiB batches saved another 10-20 µs per request at 1,200 requests/s against 8 KiB, and nothing at
 * peak rate, where the event loop is awake anyway (bench/README.md, "Access log"). nginx's `access_log ... buffer=`
 * is usually set to the same size.
 */
export const LOG_BATCH_BYTES = 64 * 1024;
/** A batch that has not filled up is written after at most this long: a quiet gateway's lines are not held back. */
export const LOG_FLUSH_INTERVAL_MS = 250;

/**
 * Baton's log destination: lines are gathered in memory and handed to an asynchronous SonicBoom (pino.destination)
 * LOG_BATCH_BYTES at a time, or after LOG_FLUSH_INTERVAL_MS. At exit, on a fatal signal (dieOfSignal) or on flush,
 * what is gathered is written synchronously.
 *
 * Not SonicBoom's own `minLength` batching: it appends each line to one growing string and takes that string's
 * byte length on every write, which copies the whole batch once per line (about 8.7 KB allocated for a 350-byte
 * access-log line; bench/README.md, "Access log").
 *
 * A write error other than a closed pipe (a full disk, a closed stdout) is reported once on stderr and the lines
 * after it are dropped: the gateway keeps serving, and nothing piles up in memory.
 */
export class LogDestination implements DestinationStream {
  private readonly fd: number;
  private readonly sonic: SonicBoom;
  /** A synchronous SonicBoom on the same descriptor, made on the first synchronous flush (at exit). */
  private syncWriter: SonicBoom | undefined;
  private lines: string[] = [];
  private gathered = 0;
  private readonly timer: NodeJS.Timeout;
  /** Nothing more can be written: ended, or a write failed. */
  private closed = false;

  /** @param dest a file descriptor (1 for stdout) or a file path (opened for appending) */
  constructor(dest: number | string) {
    // Registered before SonicBoom registers its own hooks (pino.destination), so that at exit the lines gathered
    // here are written before SonicBoom ends.
    onExit.register(this, (destination) => destination.flushSync());
    onExit.registerBeforeExit(this, (destination) => destination.handOver());
    // Our own descriptor, so that the synchronous writer can use it too.
    this.fd = typeof dest === 'number' ? dest : openSync(dest, 'a');
    this.sonic = pino.destination({ dest: this.fd, sync: false, minLength: 0 });
    this.timer = setInterval(() => this.handOver(), LOG_FLUSH_INTERVAL_MS).unref();
    this.sonic.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE (the reader went away) is expected and silent, as pino treats it.
      if (!this.closed && err.code !== 'EPIPE') process.stderr.write(`baton: writing the log failed (${err.code ?? err.message}); log lines are dropped from now on\n`);
      this.close();
    });
    this.sonic.on('close', () => this.close());
  }

  write(line: string): void {
    if (this.closed) return;
    this.lines.push(line);
    // Characters, not bytes: near enough for when to write.
    this.gathered += line.length;
    if (this.gathered >= LOG_BATCH_BYTES) this.handOver();
  }

  /** Events of the underlying SonicBoom (`ready`, `write`, `error`, `close`). */
  on(event: string, listener: (...args: unknown[]) => void): this {
    this.sonic.on(event, listener);
    return this;
  }

  /**
   * Writes what SonicBoom holds and what is gathered here, synchronously. A batch SonicBoom is writing at that
   * moment is not waited for (it is in the thread pool).
   */
  flushSync(): void {
    const text = this.takeGathered();
    if (this.closed) return;
    try {
      this.sonic.flushSync();
    } catch {
      // SonicBoom is writing asynchronously or is gone: what it holds is its own to write.
    }
    if (text === undefined) return;
    try {
      (this.syncWriter ??= pino.destination({ dest: this.fd, sync: true })).write(text);
    } catch {
      this.close();
    }
  }

  /** pino's `logger.flush(callback)`: writes everything out synchronously (it is not on the request path), then calls back. */
  flush(callback?: (err?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  end(): void {
    this.handOver();
    this.close();
    this.sonic.end();
  }

  private close(): void {
    this.closed = true;
    this.lines = [];
    this.gathered = 0;
    clearInterval(this.timer);
    onExit.unregister(this);
  }

  /** The gathered lines as one string (emptying the gathering), or undefined when there are none. */
  private takeGathered(): string | undefined {
    if (this.lines.length === 0) return undefined;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.gathered = 0;
    return text;
  }

  private handOver(): void {
    const text = this.takeGathered();
    if (text === undefined || this.closed) return;
    // A log line never fails the caller: a destination that cannot take it any more is closed instead.
    try {
      this.sonic.write(text);
    } catch {
      this.close();
    }
  }
}

/** @param dest a file descriptor (1 for stdout) or a file path */
export function createLogDestination(dest: number | string): LogDestination {
  return new LogDestination(dest);
}
