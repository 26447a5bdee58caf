// The request and response objects of Apigee's JavaScript object model, inside the sandbox. Evaluated inside the sandbox from its source text: it must reference nothing outside itself.
import type { ScriptOp } from './script-protocol.js';

export type MessageKind = 'request' | 'response';

/** A message as the sandbox holds it for one run. */
export interface MessageState {
  verb: string;
  status: number;
  reason: string;
  /** Lower-case name → [name as first written, values]. */
  readonly headers: Map<string, [string, string[]]>;
  readonly query: Map<string, string[]>;
  /** null until fetched. */
  content: string | null;
}

export interface MessageObjectHost {
  readonly flow: string;
  /** The message as it is now (fetched again after a flow-variable write touched it). */
  message(kind: MessageKind): MessageState;
  /** The message with its content fetched. */
  messageWithContent(kind: MessageKind): MessageState;
  /** Records a write; cached message variables (`request.header.x`, …) are forgotten. */
  write(op: ScriptOp): void;
  getVariable(name: string): unknown;
  setVariable(name: string, value: unknown): void;
}

export interface MessageObjects {
  /** Fresh objects for one run (a script's own properties on them do not outlive the run). */
  create(): { request: object; response: object };
  /** The prototypes and the status object, to be frozen with the intrinsics. */
  readonly shared: readonly unknown[];
}

/**
 * `request` / `context.proxyRequest` / `context.targetRequest` and `response` / `context.proxyResponse` /
 * `context.targetResponse`, built once: their accessors read the message of the current run. Header and query
 * parameter values read as one string (several values joined with `, ` and `,`); assigning a string or an array
 * of strings replaces them; `delete` removes them.
 */
export function createMessageObjects(host: MessageObjectHost): MessageObjects {
  const toText = String;
  const isArray = Array.isArray;
  const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
  const badValue = /[\r\n\0]/;

  const toValues = (value: unknown): string[] => {
    const values: string[] = [];
    if (isArray(value)) for (let i = 0; i < value.length; i++) values.push(toText(value[i]));
    else values.push(value === undefined || value === null ? '' : toText(value));
    return values;
  };

  const paramsObject = (kind: MessageKind, which: 'headers' | 'query'): object => {
    const isHeaders = which === 'headers';
    const find = (name: string): [string, string[]] | undefined => {
      const m = host.message(kind);
      if (isHeaders) return m.headers.get(name.toLowerCase());
      const values = m.query.get(name);
      return values ? [name, values] : undefined;
    };
    const read = (name: string): string | undefined => find(name)?.[1].join(isHeaders ? ', ' : ',');
    const names = (): string[] => {
      const m = host.message(kind);
      const out: string[] = [];
      if (isHeaders) for (const entry of m.headers.values()) out.push(entry[0]);
      else for (const name of m.query.keys()) out.push(name);
      return out;
    };
    // Shared by every run (its traps read the current run) and never extensible: nothing can be left on it.
    return new Proxy(Object.create(null) as object, {
      get: (_target, key) => (typeof key === 'string' ? read(key) : undefined),
      has: (_target, key) => typeof key === 'string' && find(key) !== undefined,
      ownKeys: () => names(),
      getOwnPropertyDescriptor: (_target, key) => {
        const value = typeof key === 'string' ? read(key) : undefined;
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
      },
      set: (_target, key, value) => {
        if (typeof key !== 'string') return false;
        const values = toValues(value);
        if (isHeaders) {
          if (!headerName.test(key)) throw new TypeError(`invalid header name "${key}"`);
          for (const v of values) if (badValue.test(v)) throw new TypeError(`invalid value for header ${key}`);
        }
        const m = host.message(kind);
        if (isHeaders) m.headers.set(key.toLowerCase(), [m.headers.get(key.toLowerCase())?.[0] ?? key, values.slice()]);
        else m.query.set(key, values.slice());
        host.write([isHeaders ? 'hset' : 'qset', kind, key, values]);
        return true;
      },
      deleteProperty: (_target, key) => {
        if (typeof key !== 'string') return false;
        const m = host.message(kind);
        if (isHeaders) m.headers.delete(key.toLowerCase());
        else m.query.delete(key);
        host.write([isHeaders ? 'hdel' : 'qdel', kind, key]);
        return true;
      },
      defineProperty: () => false,
      setPrototypeOf: () => false,
      preventExtensions: () => false,
    });
  };

  const contentAccessors = (kind: MessageKind) => ({
    get: (): string => host.messageWithContent(kind).content ?? '',
    set: (value: unknown): void => {
      const text = value === undefined || value === null ? '' : toText(value);
      host.message(kind).content = text;
      host.write(['content', kind, text]);
    },
  });

  const setStatusCode = (value: unknown): void => {
    const code = Number(value);
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`invalid status code ${toText(value)}`);
    host.message('response').status = code;
    host.write(['status', code]);
  };
  const setReason = (value: unknown): void => {
    const text = value === undefined || value === null ? '' : toText(value);
    if (badValue.test(text)) throw new TypeError('invalid status message');
    host.message('response').reason = text;
    host.write(['reason', text]);
  };
  const status = {
    get code(): number {
      return host.message('response').status;
    },
    set code(value: unknown) {
      setStatusCode(value);
    },
    get message(): string {
      return host.message('response').reason;
    },
    set message(value: unknown) {
      setReason(value);
    },
    toString: (): string => toText(host.message('response').status),
    valueOf: (): number => host.message('response').status,
    toJSON: (): number => host.message('response').status,
  };

  const requestHeaders = paramsObject('request', 'headers');
  const requestQuery = paramsObject('request', 'query');
  const requestContent = contentAccessors('request');
  const request = {
    get headers() {
      return requestHeaders;
    },
    get queryParams() {
      return requestQuery;
    },
    get content() {
      return requestContent.get();
    },
    set content(value: unknown) {
      requestContent.set(value);
    },
    get method(): string {
      return host.message('request').verb;
    },
    set method(value: unknown) {
      const verb = toText(value).toUpperCase();
      if (!headerName.test(verb)) throw new TypeError(`invalid method "${verb}"`);
      host.message('request').verb = verb;
      host.write(['verb', verb]);
    },
    // In the target request flow the request's URL is the target URL (`target.url`), which scripts may rewrite.
    get url(): unknown {
      return host.getVariable(host.flow === 'TARGET_REQ_FLOW' ? 'target.url' : 'request.url');
    },
    set url(value: unknown) {
      host.setVariable('target.url', value);
    },
  };

  const responseHeaders = paramsObject('response', 'headers');
  const responseContent = contentAccessors('response');
  const response = {
    get headers() {
      return responseHeaders;
    },
    get content() {
      return responseContent.get();
    },
    set content(value: unknown) {
      responseContent.set(value);
    },
    get status() {
      return status;
    },
    set status(value: unknown) {
      if (value !== null && typeof value === 'object') {
        const { code, message } = value as { code?: unknown; message?: unknown };
        if (code !== undefined) setStatusCode(code);
        if (message !== undefined) setReason(message);
      } else {
        setStatusCode(value);
      }
    },
  };
  const create = Object.create;
  return {
    create: () => ({ request: create(request) as object, response: create(response) as object }),
    shared: [request, response, status],
  };
}
