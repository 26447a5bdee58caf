// Maps any error a management request can end with to its status and Apigee error body (compat §1.6, §5).
import { AdminError, BundleError, adminErrors, formatMessage, type AdminErrorName } from '../errors.js';

export interface AdminErrorBody {
  readonly code: string;
  readonly message: string;
  readonly contexts: readonly never[];
  readonly [extra: string]: unknown;
}

export interface AdminErrorReply {
  readonly status: number;
  readonly body: AdminErrorBody;
  /** False for failures that are Baton's, not the client's: they are logged with their details. */
  readonly expected: boolean;
}

export interface AdminErrorContext {
  readonly bodyLimitBytes: number;
  readonly contentType: string | undefined;
}

const reservedKeys = new Set(['code', 'message', 'contexts']);

/**
 * AdminError: its catalog entry, with `details` added as extra body fields. BundleError: InvalidBundle (or
 * BundleTooLarge) with every problem in `errors`. StoreError (matched by name): 507 StoreFull for `no-space`,
 * else 500 StoreFailure. Fastify's and @fastify/multipart's own 4xx errors and JSON syntax errors: their status
 * with a catalog code. Anything else: a generic 500; its message never reaches the client.
 */
export function toAdminErrorReply(err: unknown, context: AdminErrorContext): AdminErrorReply {
  if (err instanceof AdminError) {
    const body: Record<string, unknown> = { code: err.code, message: err.message, contexts: [] };
    for (const [key, value] of Object.entries(err.details ?? {})) if (!reservedKeys.has(key)) body[key] = value;
    return { status: err.status, body: body as unknown as AdminErrorBody, expected: err.status < 500 };
  }
  if (err instanceof BundleError) {
    const errors = err.problems.map((p) => (p.file ? `${p.file}: ${p.message}` : p.message));
    if (err.status === 413) {
      const message = err.problems[0]?.message ?? formatMessage(adminErrors.BundleTooLarge.message, [context.bodyLimitBytes]);
      return { status: 413, body: { code: adminErrors.BundleTooLarge.code, message, contexts: [], errors }, expected: true };
    }
    return { status: 400, body: { code: adminErrors.InvalidBundle.code, message: errors[0] ?? 'Invalid bundle', contexts: [], errors }, expected: true };
  }
  if (isNamed(err, 'StoreError')) {
    return fromCatalog((err as { code?: unknown }).code === 'no-space' ? 'StoreFull' : 'StoreFailure', [], false);
  }
  const clientStatus = toClientErrorStatus(err);
  if (clientStatus !== undefined) {
    if (clientStatus === 413) return fromCatalog('BundleTooLarge', [context.bodyLimitBytes], true);
    if (clientStatus === 415) return fromCatalog('UnsupportedMediaType', [context.contentType ?? '(none)'], true);
    const message = isNamed(err, 'SyntaxError') ? `Request body is not valid JSON: ${(err as Error).message}` : (err as Error).message;
    return { status: clientStatus, body: { code: adminErrors.InvalidParameter.code, message, contexts: [] }, expected: true };
  }
  return fromCatalog('InternalError', [], false);
}

function fromCatalog(name: AdminErrorName, args: readonly (string | number)[], expected: boolean): AdminErrorReply {
  const entry = adminErrors[name];
  return { status: entry.status, body: { code: entry.code, message: formatMessage(entry.message, args), contexts: [] }, expected };
}

/** The 4xx status of an error fastify or one of its plugins raised about the request, else undefined. */
function toClientErrorStatus(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode > 499) return undefined;
  // fastify's JSON parser marks its SyntaxError with statusCode 400; other errors must carry a fastify code.
  const fromFastify = typeof code === 'string' && code.startsWith('FST_');
  return fromFastify || err.name === 'SyntaxError' ? statusCode : undefined;
}

function isNamed(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}
