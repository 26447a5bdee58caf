// Turns a Node IncomingMessage into a request Message after the edge checks (header count, line length, smuggling, dot-segments).
import type { IncomingMessage } from 'node:http';
import { runtimeFault, type PolicyFault } from '../errors.js';
import { Message } from '../engine/message.js';
import { ParamMap } from '../engine/param-map.js';
import { hasDotSegment } from './target-destination.js';

export interface ClientRequestLimits {
  readonly maxRequestHeaders: number;
  readonly maxRequestLineBytes: number;
}

/** Headers whose duplicates make a request ambiguous between Baton's view and the target's (reliability §3.6). */
const SINGLE_VALUED = new Set(['host', 'authorization', 'content-length', 'content-type', 'transfer-encoding', 'proxy-authorization']);

export type ReadClientRequestResult = { ok: true; message: Message; path: string } | { ok: false; fault: PolicyFault };

/** Validates the request head and builds the Message; the body stays an unread stream. */
export function readClientRequest(req: IncomingMessage, limits: ClientRequestLimits): ReadClientRequestResult {
  const raw = req.rawHeaders;
  // Counting rawHeaders (not req.headers) catches the header-count truncation of CVE-2026-58044.
  if (raw.length / 2 > limits.maxRequestHeaders) return { ok: false, fault: runtimeFault('TooManyHeaders', [limits.maxRequestHeaders]) };
  const target = req.url ?? '/';
  const lineBytes = (req.method?.length ?? 0) + target.length + 10;
  if (lineBytes > limits.maxRequestLineBytes) return { ok: false, fault: runtimeFault('TooBigLine', [limits.maxRequestLineBytes.toLocaleString('en-US')]) };

  let pathAndQuery = target;
  if (!target.startsWith('/')) {
    // Absolute-form (RFC 9112 §3.2.2): only the path is used; the target is always the configured one.
    try {
      const url = new URL(target);
      pathAndQuery = `${url.pathname}${url.search}`;
    } catch {
      return { ok: false, fault: runtimeFault('BadRequest', ['invalid request target']) };
    }
  }
  const queryAt = pathAndQuery.indexOf('?');
  const path = queryAt === -1 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  // `.` or `..` segments are refused rather than forwarded (reliability test 35).
  if (hasDotSegment(path)) return { ok: false, fault: runtimeFault('BadRequest', ['dot-segments are not allowed in the request path']) };

  const headers = new ParamMap({ caseInsensitive: true });
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (SINGLE_VALUED.has(name.toLowerCase()) && headers.has(name)) return { ok: false, fault: runtimeFault('BadRequest', [`duplicate ${name} header`]) };
    headers.add(name, raw[i + 1]!);
  }

  const hasBody = headers.has('transfer-encoding') || (headers.has('content-length') && headers.get('content-length') !== '0');
  const message = Message.withStream('request', hasBody ? req : undefined, headers);
  if (!hasBody) req.resume();
  message.verb = req.method ?? 'GET';
  message.path = path;
  message.version = req.httpVersion;
  if (queryAt !== -1) message.setQueryString(pathAndQuery.slice(queryAt + 1));
  return { ok: true, message, path };
}
