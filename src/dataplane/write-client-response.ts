// Writes a response Message to the client: hop-by-hop hygiene, exact framing, and an abort (never a clean end) when a streamed body fails.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Message } from '../engine/message.js';
import { toFaultResponse, toPolicyFault } from '../engine/fault-response.js';
import { toClientResponseHeaders } from './header-hygiene.js';

export interface WriteClientResponseOptions {
  readonly isHead: boolean;
  readonly extraHeaders: Readonly<Record<string, string>> | undefined;
  readonly onBodyError: ((err: unknown, side: 'client' | 'target') => void) | undefined;
  /** Answer with `Connection: close` (the request body was not read to its end). */
  readonly closeConnection?: boolean;
}

/** RFC 9110 §6.4.1: these statuses never carry content. */
function hasNoContent(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

export function writeClientResponse(res: ServerResponse, response: Message, options: WriteClientResponseOptions): void {
  if (res.headersSent || res.destroyed) return;
  let headers: Array<[string, string | string[]]>;
  const stream = response.takeStream();
  const noBody = options.isHead || hasNoContent(response.statusCode);
  try {
    // A streamed body keeps the target's Content-Length (the bytes pass through untouched); HEAD, 204 and 304 send none of their own.
    const bodyLength = stream || noBody ? undefined : response.contentBuffer.byteLength;
    headers = toClientResponseHeaders(response.headers, bodyLength);
  } catch (err) {
    // A header a policy built from request data with CR/LF/NUL: a controlled fault, never a split header (reliability §3.8).
    stream?.resume();
    const fault = toPolicyFault(err);
    const faultResponse = toFaultResponse(fault);
    writeClientResponse(res, faultResponse, { ...options, extraHeaders: undefined });
    return;
  }
  res.statusCode = response.statusCode;
  if (options.closeConnection) res.shouldKeepAlive = false;
  if (response.reasonPhrase !== '') res.statusMessage = response.reasonPhrase;
  for (const [name, value] of headers) res.setHeader(name, value);
  if (options.extraHeaders) for (const [name, value] of Object.entries(options.extraHeaders)) res.setHeader(name, value);
  if (noBody) {
    stream?.resume();
    res.end();
    return;
  }
  if (!stream) {
    res.end(response.contentBuffer);
    return;
  }
  pipeline(stream, res, (err) => {
    if (!err) return;
    // The client went away (premature close of res) or the target died mid-body. In the second case the client
    // connection is aborted so that it sees a truncated response, never a complete-looking one.
    options.onBodyError?.(err, (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' ? 'client' : 'target');
    res.destroy(err);
  });
}
