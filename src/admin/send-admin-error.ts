// Writes an error reply of the management API: JSON body, challenge on 401, connection closed after 413.
import type { FastifyReply } from 'fastify';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { adminErrors } from '../errors.js';
import { toAdminErrorReply } from './to-admin-error-reply.js';

/** Both schemes the AccessService accepts (compat §1.4); one header, comma-separated challenges (RFC 9110 §11.6.1). */
export const wwwAuthenticate = 'Basic realm="Baton", Bearer realm="Baton"';

export function sendAdminError(reply: FastifyReply, err: unknown, options: { bodyLimitBytes: number; logger: Logger }): FastifyReply {
  const request = reply.request;
  const { status, body, expected } = toAdminErrorReply(err, { bodyLimitBytes: options.bodyLimitBytes, contentType: request.headers['content-type'] });
  // The route pattern, not the URL: a query string may carry secrets a client should not have sent.
  if (!expected) options.logger.error({ err, method: request.method, route: request.routeOptions.url }, 'management API request failed');
  if (status === 401) reply.header('www-authenticate', wwwAuthenticate);
  // RFC 6585 §4: tell a slowed-down client when to come back.
  const retryAfter = (body as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  // A refused body is not worth reading to keep the connection (reliability-security test 27): Node would drain
  // it, so close after replying when it has not fully arrived.
  if (status === 413 || !request.raw.complete) reply.header('connection', 'close');
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

const clientErrorReplies: Readonly<Record<string, { status: number; reason: string; code: string; message: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { reason: 'Request Timeout', ...adminErrors.RequestTimeout },
  HPE_HEADER_OVERFLOW: { reason: 'Request Header Fields Too Large', ...adminErrors.RequestHeadersTooLarge },
};

/**
 * Node's `clientError` (malformed HTTP, header overflow, request timeout): no fastify request exists, so the reply
 * is written on the socket in the management error shape, then the connection is closed.
 */
export function handleClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = err.code === undefined ? undefined : clientErrorReplies[err.code];
  const reply = known ?? { status: 400, reason: 'Bad Request', code: adminErrors.InvalidParameter.code, message: 'Malformed HTTP request' };
  const body = JSON.stringify({ code: reply.code, message: reply.message, contexts: [] });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${reply.status} ${reply.reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
