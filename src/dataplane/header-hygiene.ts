// Header hygiene at both proxy hops: hop-by-hop stripping, framing, Host and X-Forwarded-*, and injection checks.
import { runtimeFault } from '../errors.js';
import { ParamMap } from '../engine/param-map.js';

/**
 * RFC 9110 §7.6.1 (and §11.7 for the Proxy-Auth pair): fields that belong to one connection and are never
 * forwarded. Transfer-Encoding, Keep-Alive, Upgrade and Expect are also fields undici refuses to send.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'expect',
  'trailer',
]);

// RFC 9110 §5.1 field-name = token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 §5.5 field-value: VCHAR, obs-text, SP and HTAB; CR, LF, NUL and other controls are injection.
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\uffff]/;
const NON_LATIN1 = /[^\x00-\xff]/;

export interface TargetHeaderInfo {
  /** `host[:port]` of the URL actually called. */
  targetHost: string;
  clientIp: string;
  clientProto: string;
  clientHost: string;
  /** Append the client IP to X-Forwarded-For (otherwise the header passes through unchanged). */
  xForwardedFor: boolean;
}

/** Header fields as undici and `writeHead` take them: name, value, name, value… A field with several lines repeats its name. */
export type FlatHeaders = string[];

/** Appends one name/value pair per value: separate field lines, as the values came. */
function pushField(out: FlatHeaders, name: string, values: readonly string[]): void {
  for (const value of values) out.push(name, toWireValue(value));
}

/**
 * Headers for the target request, as name/value pairs in one array (no object per request). Content-Length is
 * dropped because framing is recomputed from the body actually sent (undici gives a Buffer its exact length and
 * sends a stream chunked), so a client's CL or TE can never desynchronize the upstream connection
 * (reliability-security item 33). Throws the InvalidHeader fault on a name that is not a token or a value holding
 * CR, LF, NUL or another control character.
 */
export function toTargetHeaders(headers: ParamMap, info: TargetHeaderInfo): FlatHeaders {
  const out: FlatHeaders = [];
  const dropped = connectionNamedFields(headers);
  let forwardedFor: string[] | undefined;
  headers.forEachEntry((name, values) => {
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || dropped?.has(key)) return;
    // Framing, Host and the forwarding fields are the gateway's to write.
    if (key === 'content-length' || key === 'host' || key === 'x-forwarded-proto' || key === 'x-forwarded-host') return;
    assertValidHeader(name, values);
    if (key === 'x-forwarded-for' && info.xForwardedFor) {
      forwardedFor = values.map(toWireValue);
      return;
    }
    pushField(out, name, values);
  });
  out.push('host', info.targetHost);
  if (info.xForwardedFor) out.push('x-forwarded-for', forwardedFor ? `${forwardedFor.join(', ')}, ${info.clientIp}` : info.clientIp);
  assertValidHeader('x-forwarded-host', [info.clientHost]);
  out.push('x-forwarded-proto', info.clientProto, 'x-forwarded-host', info.clientHost);
  return out;
}

/**
 * Target response headers from undici's raw `[name, value, …]` pairs, as a ParamMap with hop-by-hop fields removed,
 * in one pass. Content-Length is kept so the caller can decide: it is only valid while the body is streamed to the
 * client untouched (see toClientResponseHeaders). Names keep the case of their first occurrence.
 */
export function fromTargetRawHeaders(raw: ReadonlyArray<string | Buffer>): ParamMap {
  const out = new ParamMap({ caseInsensitive: true });
  let connectionValues: string[] | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const rawName = raw[i]!;
    const rawValue = raw[i + 1]!;
    // Field values are octets (RFC 9110 §5.5): latin1 keeps every byte, as undici's own header parsing does.
    const name = typeof rawName === 'string' ? rawName : rawName.toString('latin1');
    const value = typeof rawValue === 'string' ? rawValue : rawValue.toString('latin1');
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key)) {
      if (key === 'connection') (connectionValues ??= []).push(value);
      continue;
    }
    // Duplicate Content-Length values are refused by undici's parser before they get here; keep the first anyway.
    if (key === 'content-length' && out.has(key)) continue;
    out.add(name, value);
  }
  if (connectionValues) {
    for (const value of connectionValues) {
      for (const option of value.split(',')) {
        const name = option.trim();
        if (name !== '') out.delete(name);
      }
    }
  }
  return out;
}

/**
 * Headers for the client response, as name/value pairs in one array. With a buffered body pass its byte length:
 * Content-Length is set to it. With a body streamed through untouched (or a HEAD response) pass `undefined`: an
 * upstream Content-Length is kept, and without one Node sends the body chunked. Transfer-Encoding is never copied;
 * Node frames the response itself. Throws the InvalidHeader fault on a header a policy set with an invalid name or
 * value.
 */
export function toClientResponseHeaders(headers: ParamMap, bodyLength: number | undefined): FlatHeaders {
  const dropped = connectionNamedFields(headers);
  const out: FlatHeaders = [];
  headers.forEachEntry((name, values) => {
    const key = name.toLowerCase();
    if (HOP_BY_HOP.has(key) || dropped?.has(key)) return;
    if (key === 'content-length') {
      if (bodyLength === undefined && values[0] !== undefined) out.push(name, values[0]);
      return;
    }
    assertValidHeader(name, values);
    pushField(out, name, values);
  });
  if (bodyLength !== undefined) out.push('Content-Length', String(bodyLength));
  return out;
}

/**
 * Lower-cased names listed in Connection (RFC 9110 §7.6.1: each connection-option names a field to remove);
 * undefined without a Connection header, the usual case, so that no Set is made per message.
 */
function connectionNamedFields(headers: ParamMap): Set<string> | undefined {
  const values = headers.getAll('connection');
  if (values.length === 0) return undefined;
  const names = new Set<string>();
  for (const value of values) {
    for (const option of value.split(',')) {
      const name = option.trim().toLowerCase();
      if (name !== '') names.add(name);
    }
  }
  return names;
}

function assertValidHeader(name: string, values: readonly string[]): void {
  const nameOk = TOKEN.test(name);
  if (nameOk && values.every((v) => !INVALID_VALUE_CHAR.test(v))) return;
  throw runtimeFault('InvalidHeader', [nameOk ? name : '(invalid name)']);
}

/** Characters past Latin-1 (set by policies) go out as their UTF-8 bytes; HTTP field values are octets. */
function toWireValue(value: string): string {
  return NON_LATIN1.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}
