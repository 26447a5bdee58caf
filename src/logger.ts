// Creates Baton's pino logger, with credentials redacted wherever a log line carries them (reliability-security §3.11).
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { createLogDestination } from './log-destination.js';

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

/** The signals that stop Baton: gracefully in `baton serve`, at once after that and in other processes. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** From now on SIGTERM and SIGINT end the process at once (dieOfSignal), replacing any other handler of them. */
export function dieOnStopSignals(logger: Logger): void {
  for (const signal of STOP_SIGNALS) {
    process.removeAllListeners(signal);
    process.once(signal, () => dieOfSignal(logger, signal));
  }
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
