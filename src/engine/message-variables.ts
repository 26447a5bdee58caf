// Flow variables scoped to one message (`request.*`, `response.*`, `message.*`, `<var>.*` for created messages).
import type { Message } from './message.js';

/** Returned when a name is not a message variable, so the caller can look elsewhere. */
export const NOT_A_MESSAGE_VARIABLE: unique symbol = Symbol('not a message variable');

/** Splits header values on commas the way Apigee exposes them (compat §10: `request.header.x` is the first value). */
function headerValues(message: Message, name: string): string[] {
  const out: string[] = [];
  for (const line of message.headers.getAll(name)) {
    for (const part of line.split(',')) {
      const v = part.trim();
      if (v !== '') out.push(v);
    }
  }
  return out;
}

/**
 * Reads `rest` (the part after `request.`, `response.`, …) of a message.
 * `scheme` and `host` complete `request.url`.
 */
export function readMessageVariable(message: Message, rest: string, origin?: { scheme: string; host: string }): unknown {
  switch (rest) {
    case 'verb':
      return message.verb;
    case 'path':
      return message.path;
    case 'uri':
      return message.uri;
    case 'url':
      return origin ? `${origin.scheme}://${origin.host}${message.uri}` : message.uri;
    case 'querystring':
      return message.queryString;
    case 'queryparams.names':
      return message.queryParams.names();
    case 'queryparams.count':
      return message.queryParams.size;
    case 'headers.names':
      return message.headers.names();
    case 'headers.count':
      return message.headers.size;
    case 'formparams.names':
      return message.formParams.names();
    case 'formparams.count':
      return message.formParams.size;
    case 'content':
      return message.contentText;
    case 'status.code':
    case 'status':
      return message.kind === 'response' ? message.statusCode : undefined;
    case 'reason.phrase':
      return message.kind === 'response' ? message.reasonPhrase : undefined;
    case 'version':
      return message.version;
  }
  if (rest.startsWith('header.')) {
    const spec = rest.slice('header.'.length);
    for (const suffix of ['.values.count', '.values.string', '.values'] as const) {
      if (spec.endsWith(suffix) && !message.headers.has(spec)) {
        const name = spec.slice(0, -suffix.length);
        if (!message.headers.has(name)) return suffix === '.values.count' ? 0 : undefined;
        const values = headerValues(message, name);
        if (suffix === '.values.count') return values.length;
        if (suffix === '.values.string') return message.headers.getAll(name).join(',');
        return values;
      }
    }
    if (!message.headers.has(spec)) return undefined;
    return headerValues(message, spec)[0] ?? '';
  }
  if (rest.startsWith('queryparam.')) {
    const spec = rest.slice('queryparam.'.length);
    if (spec.endsWith('.values.count') && !message.queryParams.has(spec)) return message.queryParams.getAll(spec.slice(0, -'.values.count'.length)).length;
    if (spec.endsWith('.values') && !message.queryParams.has(spec)) {
      const values = message.queryParams.getAll(spec.slice(0, -'.values'.length));
      return values.length === 0 ? undefined : values;
    }
    return message.queryParams.get(spec);
  }
  if (rest.startsWith('formparam.')) {
    const spec = rest.slice('formparam.'.length);
    if (spec.endsWith('.values.count') && !message.formParams.has(spec)) return message.formParams.getAll(spec.slice(0, -'.values.count'.length)).length;
    return message.formParams.get(spec);
  }
  return NOT_A_MESSAGE_VARIABLE;
}

/** Writes a message variable; returns false when `rest` is not a writable message variable. */
export function writeMessageVariable(message: Message, rest: string, value: unknown): boolean {
  const text = value === undefined || value === null ? '' : String(value);
  switch (rest) {
    case 'verb':
      message.verb = text.toUpperCase();
      return true;
    case 'path':
      message.path = text.startsWith('/') ? text : `/${text}`;
      return true;
    case 'content':
      message.setContent(value instanceof Uint8Array ? value : text);
      return true;
    case 'status.code': {
      const status = Number(text);
      if (!Number.isInteger(status) || status < 100 || status > 999) return false;
      message.statusCode = status;
      return true;
    }
    case 'reason.phrase':
      message.reasonPhrase = text;
      return true;
    case 'querystring':
      message.setQueryString(text.startsWith('?') ? text.slice(1) : text);
      return true;
  }
  if (rest.startsWith('header.')) {
    message.headers.set(rest.slice('header.'.length), text);
    return true;
  }
  if (rest.startsWith('queryparam.')) {
    message.queryParams.set(rest.slice('queryparam.'.length), text);
    return true;
  }
  if (rest.startsWith('formparam.')) {
    const params = message.formParams.clone();
    params.set(rest.slice('formparam.'.length), text);
    message.commitFormParams(params);
    return true;
  }
  return false;
}

/** Removes a message variable (a header or parameter); false when not removable. */
export function removeMessageVariable(message: Message, rest: string): boolean {
  if (rest.startsWith('header.')) return message.headers.delete(rest.slice('header.'.length)), true;
  if (rest.startsWith('queryparam.')) return message.queryParams.delete(rest.slice('queryparam.'.length)), true;
  if (rest === 'content') return message.clearContent(), true;
  return false;
}
