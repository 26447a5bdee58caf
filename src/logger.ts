// Creates Baton's pino logger, with credentials redacted wherever a log line carries them (reliability-security §3.11).
import * as onExit from 'on-exit-leak-free';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

export type Logger = PinoLogger;

const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
/** Where log lines carry header maps: the transport vocabulary of STYLE §5, plus pino's conventional req/res. */
const headerContainers = ['', 'headers', 'req.headers', 'res.headers', 'clientRequest.headers', 'clientResponse.headers', 'targetRequest.headers', 'targetResponse.headers'];
/** Credentials in config and user objects; `private` holds Apigee's `private.*` variables wholesale. */
const secretPaths = [
  'password',
  'passwordHash',
  'token',
  'apikey',
  'apiKey',
  'secret',
  'consumerSecret',
  'clientSecret',
  'masterKey',
  'config.masterKey',
  'private',
  'variables.private',
  'admin.password',
  'user.password',
  'user.passwordHash',
  'users.*.password',
  'users.*.passwordHash',
  'config.admin.password',
  'config.users.*.password',
  'config.users.*.passwordHash',
];

/**
 * The second line of defence: no log call passes headers, query strings or flow variables wholesale (the access log
 * carries the path without its query; policy errors are logged by name and fault, not by message content).
 * Explicit paths rather than leading wildcards (`*.authorization`): a leading wildcard makes pino walk every
 * key of every line, measured at 10-30x the cost of an unredacted access-log line. Log objects therefore put
 * headers and credentials under the names above.
 */
export const redactPaths: readonly string[] = [
  ...headerContainers.flatMap((container) => secretHeaders.map((name) => (container === '' ? `["${name}"]` : `${container}["${name}"]`))),
  ...secretPaths,
];

/**
 * Log bytes gathered before a write. Writing each line as it comes costs a write through libuv's thread pool per
 * line: measured at about 80 µs of gateway CPU per request for the access log, against 30-35 µs with 8 KiB batches
 * (bench/README.md, "Access log").
 */
export const LOG_BATCH_BYTES = 8 * 1024;
/** A batch that has not filled up is written after at most this long: a quiet gateway's lines are not held back. */
export const LOG_FLUSH_INTERVAL_MS = 250;

/**
 * Baton's log destination: lines are gathered in memory and handed to an asynchronous SonicBoom (pino.destination)
 * LOG_BATCH_BYTES at a time, or after LOG_FLUSH_INTERVAL_MS; what is still gathered is written out synchronously
 * when the process exits.
 *
 * Not SonicBoom's own `minLength` batching: it appends each line to one growing string and takes that string's
 * byte length on every write, which copies the whole batch once per line (about 8.7 KB allocated for a 350-byte
 * access-log line; bench/README.md, "Access log").
 */
export class LogDestination implements DestinationStream {
  private readonly sonic: SonicBoom;
  private lines: string[] = [];
  private gathered = 0;
  private readonly timer: NodeJS.Timeout;
  /** SonicBoom closed (ended, or its file failed): nothing more can be written. */
  private closed = false;
  /** Bytes handed to SonicBoom, and bytes it reported written: flush callbacks wait for the second to reach the first. */
  private handedBytes = 0;
  private writtenBytes = 0;
  private flushWaiters: Array<{ readonly upTo: number; readonly callback: (err?: Error) => void }> = [];

  /** @param dest a file descriptor (1 for stdout) or a file path */
  constructor(dest: number | string) {
    // Registered before SonicBoom registers its own hooks (pino.destination), so that at exit the lines gathered
    // here reach SonicBoom before it flushes and ends.
    onExit.register(this, (destination) => destination.flushSync());
    onExit.registerBeforeExit(this, (destination) => destination.handOver());
    this.sonic = pino.destination({ dest, sync: false, minLength: 0 });
    this.timer = setInterval(() => this.handOver(), LOG_FLUSH_INTERVAL_MS).unref();
    this.sonic.on('write', (bytes: number) => {
      this.writtenBytes += bytes;
      this.settleFlushes(undefined);
    });
    this.sonic.on('error', (err: Error) => this.settleFlushes(err));
    this.sonic.on('close', () => {
      this.closed = true;
      clearInterval(this.timer);
      this.settleFlushes(new Error('the log destination is closed'));
    });
  }

  write(line: string): void {
    this.lines.push(line);
    // Characters, not bytes: near enough for when to write.
    this.gathered += line.length;
    if (this.gathered >= LOG_BATCH_BYTES) this.handOver();
  }

  /** Events of the underlying SonicBoom (`ready` once the file is open, `error`, `close`). */
  on(event: string, listener: (...args: unknown[]) => void): this {
    this.sonic.on(event, listener);
    return this;
  }

  /** Writes out everything gathered and buffered, synchronously. Does nothing while the file is not open yet. */
  flushSync(): void {
    this.handOver();
    try {
      this.sonic.flushSync();
      // Written without 'write' events: flush callbacks waiting for these bytes are done.
      this.writtenBytes = Math.max(this.writtenBytes, this.handedBytes);
      this.settleFlushes(undefined);
    } catch {
      // Not open yet, or closed: the lines stay with SonicBoom, which writes them once the file is open.
    }
  }

  /** Calls back once everything gathered so far is written (SonicBoom's own flush does not wait without `minLength`). */
  flush(callback?: (err?: Error) => void): void {
    this.handOver();
    if (!callback) return;
    if (this.writtenBytes >= this.handedBytes) callback();
    else this.flushWaiters.push({ upTo: this.handedBytes, callback });
  }

  end(): void {
    clearInterval(this.timer);
    this.handOver();
    onExit.unregister(this);
    this.sonic.end();
  }

  private handOver(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.gathered = 0;
    // A log line never fails the caller: once the destination is gone, lines are dropped (as SonicBoom drops them
    // after EPIPE).
    if (this.closed) return;
    try {
      this.sonic.write(text);
      this.handedBytes += Buffer.byteLength(text);
    } catch {
      this.closed = true;
    }
  }

  /** Calls the flush callbacks whose bytes are all written, or all of them with `err`. */
  private settleFlushes(err: Error | undefined): void {
    if (this.flushWaiters.length === 0) return;
    const waiting = this.flushWaiters;
    this.flushWaiters = err ? [] : waiting.filter((waiter) => waiter.upTo > this.writtenBytes);
    for (const waiter of waiting) {
      if (err) waiter.callback(err);
      else if (waiter.upTo <= this.writtenBytes) waiter.callback();
    }
  }
}

/** @param dest a file descriptor (1 for stdout) or a file path */
export function createLogDestination(dest: number | string): LogDestination {
  return new LogDestination(dest);
}

/**
 * Writes out the lines still batched, synchronously. For a process about to die of a signal: pino's exit handler,
 * which does this otherwise, does not run then. A destination that cannot flush (not open yet) is left as it is.
 */
export function flushLogSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // Nothing more can be saved.
  }
}

/**
 * Ends the process with `signal`'s default action (as if no handler were installed), after writing out the log
 * lines still batched. Removes this process's other handlers of that signal first.
 */
export function dieOfSignal(logger: Logger, signal: NodeJS.Signals): void {
  flushLogSync(logger);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

export interface CreateLoggerOptions {
  /** A pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Where lines go; stdout when absent. */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const destination = options.destination ?? createLogDestination(1);
  return pino({ level: options.level, redact: { paths: [...redactPaths], censor: '[Redacted]' } }, destination);
}
