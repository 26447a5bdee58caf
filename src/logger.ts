// Creates Baton's pino logger, with credentials redacted wherever a log line carries them (reliability-security §3.11).
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

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

export interface CreateLoggerOptions {
  /** A pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Where lines go; stdout when absent. */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  // Asynchronous stdout: lines written while a write is in flight are batched into the next one, so an access line
  // per request costs no syscall of its own under load; pino flushes what is left synchronously on exit.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino({ level: options.level, redact: { paths: [...redactPaths], censor: '[Redacted]' } }, destination);
}
