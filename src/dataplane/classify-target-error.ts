// The one table mapping a failed target call (undici, net, tls errors) to its 502/503/504 runtime fault.
import { TargetError, runtimeFault, type RuntimeFaultName } from '../errors.js';

type Kind = TargetError['kind'];

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'EAI_NONAME', 'EAI_FAIL']);
const READ_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
// Certificate-verification failures happen during connect, before any request byte is written.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$)/;

const FAULT_OF_KIND: Record<Kind, RuntimeFaultName> = {
  connect: 'ServiceUnavailable',
  'connect-timeout': 'ServiceUnavailable',
  'read-timeout': 'GatewayTimeout',
  'write-timeout': 'RequestTimeout',
  reset: 'BadGateway',
  'bad-response': 'BadGateway',
  'no-healthy-server': 'NoActiveTargetServers',
};

/** A TargetError of the given kind with its catalog fault. */
export function toTargetError(kind: Kind, cause?: unknown): TargetError {
  return new TargetError(kind, runtimeFault(FAULT_OF_KIND[kind], [], cause));
}

/**
 * Classifies an error thrown before the target's response headers arrived. Matching is by `err.code` (undici
 * documents that `instanceof` is unreliable across copies of the library), looking through `cause` and the first
 * error of an AggregateError (Node's happy-eyeballs connect). Unknown errors become 502.
 */
export function classifyTargetError(err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  return toTargetError(toKind(codeOf(err)), err);
}

/** True for kinds where the request never reached the target, so another server may be tried. */
export function isConnectFailure(kind: Kind): boolean {
  return kind === 'connect' || kind === 'connect-timeout';
}

function toKind(code: string | undefined): Kind {
  if (code === undefined) return 'bad-response';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'connect-timeout';
  if (CONNECT_CODES.has(code) || TLS_CODE.test(code)) return 'connect';
  if (READ_TIMEOUT_CODES.has(code)) return 'read-timeout';
  if (RESET_CODES.has(code)) return 'reset';
  return 'bad-response';
}

function codeOf(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const inner = codeOf(errors[0], depth + 1);
    if (inner !== undefined) return inner;
  }
  return codeOf((err as { cause?: unknown }).cause, depth + 1);
}
