// Writes a response Message to the client: hop-by-hop hygiene, exact framing, and an abort (never a clean end) when a streamed body fails.
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { runtimeFault } from '../errors.js';
import type { Message, MessageStream } from '../engine/message.js';
import { toFaultResponse, toPolicyFault } from '../engine/fault-response.js';
import { toClientResponseHeaders, type FlatHeaders } from './header-hygiene.js';
import { REQUEST_ID_HEADER } from './request-ids.js';
import { TargetBody } from './target-body.js';

export interface WriteClientResponseOptions {
  /** Sent as X-Request-ID unless the response already has that header (a flow's own value wins). */
  readonly requestId: string;
  readonly isHead: boolean;
  readonly extraHeaders: Readonly<Record<string, string>> | undefined;
  readonly onBodyError: ((err: unknown, side: 'client' | 'target') => void) | undefined;
  /** Answer with `Connection: close` (the request body was not read to its end). */
  readonly closeConnection?: boolean;
}

/** RFC 9112 §4 reason-phrase: HTAB, SP, VCHAR and obs-text; a CR or LF would split the status line. */
const VALID_REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** RFC 9110 §6.4.1: these statuses never carry content. */
function hasNoContent(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

export function writeClientResponse(res: ServerResponse, response: Message, options: WriteClientResponseOptions): void {
  if (res.headersSent || res.destroyed) return;
  let headers: FlatHeaders;
  const stream = response.takeBody();
  const noBody = options.isHead || hasNoContent(response.statusCode);
  try {
    // A streamed body keeps the target's Content-Length (the bytes pass through untouched); HEAD, 204 and 304 send none of their own.
    const bodyLength = stream || noBody ? undefined : response.contentBuffer.byteLength;
    headers = toClientResponseHeaders(response.headers, bodyLength);
    if (!VALID_REASON_PHRASE.test(response.reasonPhrase)) throw runtimeFault('InvalidHeader', ['(reason phrase)']);
  } catch (err) {
    // A header or reason phrase a policy built from request data with CR/LF/NUL: a controlled fault, never a split
    // head (reliability §3.8).
    if (stream) discard(stream);
    const fault = toPolicyFault(err);
    const faultResponse = toFaultResponse(fault);
    writeClientResponse(res, faultResponse, { ...options, extraHeaders: undefined });
    return;
  }
  if (options.closeConnection) res.shouldKeepAlive = false;
  // One writeHead with name/value pairs: Node validates and serializes them once, with no setHeader bookkeeping.
  // An extra header replaces the flow's field of that name, every line of it.
  const extra = options.extraHeaders;
  const extraKeys = extra && Object.keys(extra).map((name) => name.toLowerCase());
  // Without extra headers (the usual case) the pairs are sent as they are.
  const flat: FlatHeaders = extraKeys ? [] : headers;
  let hasRequestId = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    const key = name.toLowerCase();
    if (extraKeys) {
      if (extraKeys.includes(key)) continue;
      flat.push(name, headers[i + 1] as string);
    }
    if (key === 'x-request-id') hasRequestId = true;
  }
  if (extra) for (const [name, value] of Object.entries(extra)) flat.push(name, value);
  if (!hasRequestId) flat.push(REQUEST_ID_HEADER, options.requestId);
  if (response.reasonPhrase !== '') res.writeHead(response.statusCode, response.reasonPhrase, flat);
  else res.writeHead(response.statusCode, flat);
  if (noBody) {
    if (stream) discard(stream);
    res.end();
    return;
  }
  if (!stream) {
    res.end(response.contentBuffer);
    return;
  }
  // The target response's own body (the common case) is written straight to the client, without a stream.
  if (stream instanceof TargetBody) stream.pipeTo(res, options.onBodyError);
  else pipeToClient(stream instanceof Readable ? stream : stream.toReadable(), res, options.onBodyError);
}

/** Drains an unsent body so its connection stays usable. */
function discard(stream: MessageStream): void {
  if (stream instanceof Readable) stream.resume();
  else stream.discard();
}

/**
 * Streams a target body to the client. Not stream.pipeline: it allocates an AbortController per call and aborts it
 * (building a DOMException) on every normal finish, a measurable cost per request.
 * The target dying mid-body aborts the client connection, so it sees a truncated response, never a complete-looking
 * one; the client going away destroys the target body, which releases (or closes) its pooled connection.
 */
function pipeToClient(stream: Readable, res: ServerResponse, onBodyError: WriteClientResponseOptions['onBodyError']): void {
  let settled = false;
  const fail = (err: Error, side: 'client' | 'target'): void => {
    if (settled) return;
    settled = true;
    onBodyError?.(err, side);
    if (side === 'target') res.destroy(err);
    else stream.destroy();
  };
  stream.on('error', (err: Error) => fail(err, 'target'));
  stream.on('close', () => {
    if (!stream.readableEnded) fail(new Error('target response body closed before its end'), 'target');
  });
  res.on('close', () => {
    if (!res.writableFinished) fail(Object.assign(new Error('client closed the connection'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }), 'client');
    settled = true;
  });
  stream.pipe(res);
}
