// Apigee's `httpClient` and `Request` inside the sandbox. Evaluated inside the sandbox from its source text: it must reference nothing outside itself.
import type { CalloutRequestWire, CalloutWire } from './script-protocol.js';

export interface HttpClientHost {
  /** Starts a callout; returns its id (the gateway performs it while the script goes on). */
  send(request: CalloutRequestWire): string;
  /** The outcome if known, waiting up to `waitMs` for it; null while still pending. */
  outcome(id: string, waitMs: number): CalloutWire | null;
  /** Milliseconds left of the run's timeLimit. */
  remainingMs(): number;
  /** Thrown when the run's timeLimit is over (the host reports the timeout fault). */
  readonly timeout: unknown;
  /** Callbacks given to send/get, run after the script body, in order. */
  onComplete(exchange: Exchange, callback: (response: unknown, error: unknown) => void): void;
  /** Remembers which callout an exchange stands for (when the script stores it in a flow variable). */
  register(exchange: Exchange, id: string): void;
}

export interface Exchange {
  isComplete(): boolean;
  waitForComplete(timeoutMs?: unknown): void;
  isSuccess(): boolean;
  isError(): boolean;
  getResponse(): unknown;
  getError(): string | undefined;
}

export interface HttpClientObjects {
  readonly httpClient: object;
  readonly Request: object;
  /** The exchange object for a callout id (an exchange read back from a flow variable). */
  exchangeFor(id: string): Exchange;
}

export function createHttpClient(host: HttpClientHost): HttpClientObjects {
  const toText = String;
  const isArray = Array.isArray;
  const objectKeys = Object.keys;
  const floor = Math.floor;
  const min = Math.min;

  function Request(this: Record<string, unknown>, url?: unknown, method?: unknown, headers?: unknown, body?: unknown): unknown {
    if (!new.target) return new (Request as unknown as new (...args: unknown[]) => unknown)(url, method, headers, body);
    this.url = url === undefined || url === null ? '' : toText(url);
    this.method = method === undefined || method === null ? 'GET' : toText(method);
    this.headers = headers === undefined || headers === null ? {} : headers;
    this.body = body === undefined || body === null ? '' : body;
    return undefined;
  }

  const toHeaderPairs = (headers: unknown): Array<[string, string]> => {
    const pairs: Array<[string, string]> = [];
    if (headers === null || typeof headers !== 'object') return pairs;
    const record = headers as Record<string, unknown>;
    for (const name of objectKeys(record)) {
      const value = record[name];
      if (isArray(value)) for (let i = 0; i < value.length; i++) pairs.push([name, toText(value[i])]);
      else if (value !== undefined && value !== null) pairs.push([name, toText(value)]);
    }
    return pairs;
  };

  const statusObject = (code: number, reason: string) => ({
    code,
    message: reason,
    toString: () => toText(code),
    valueOf: () => code,
    toJSON: () => code,
  });

  const toResponse = (wire: CalloutWire & { ok: true }): object => {
    const headers: Record<string, string> = {};
    for (const [name, value] of wire.headers) headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    return { status: statusObject(wire.status, wire.reason), headers, content: wire.content };
  };

  const exchangeFor = (id: string): Exchange => {
    let outcome: CalloutWire | null = null;
    let response: object | undefined;
    const exchange: Exchange = {
      isComplete() {
        outcome ??= host.outcome(id, 0);
        return outcome !== null;
      },
      waitForComplete(timeoutMs?: unknown) {
        if (outcome !== null) return;
        const remaining = host.remainingMs();
        const limited = typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs < remaining;
        outcome = host.outcome(id, floor(limited ? min(timeoutMs, remaining) : remaining));
        // Without a shorter wait of its own the script waits as long as its timeLimit allows, then fails.
        if (outcome === null && !limited) throw host.timeout;
      },
      isSuccess: () => outcome !== null && outcome.ok,
      isError: () => outcome !== null && !outcome.ok,
      getResponse() {
        if (outcome === null || !outcome.ok) return undefined;
        response ??= toResponse(outcome);
        return response;
      },
      getError: () => (outcome !== null && !outcome.ok ? outcome.error : undefined),
    };
    host.register(exchange, id);
    return exchange;
  };

  const start = (url: unknown, method: unknown, headers: unknown, body: unknown, callback: unknown): Exchange => {
    const id = host.send({
      url: url === undefined || url === null ? '' : toText(url),
      method: method === undefined || method === null ? 'GET' : toText(method).toUpperCase(),
      headers: toHeaderPairs(headers),
      body: body === undefined || body === null ? null : toText(body),
    });
    const exchange = exchangeFor(id);
    if (typeof callback === 'function') host.onComplete(exchange, callback as (response: unknown, error: unknown) => void);
    return exchange;
  };

  const httpClient = {
    send(request: unknown, callback?: unknown): Exchange {
      if (typeof request === 'string') return start(request, 'GET', undefined, undefined, callback);
      if (request === null || typeof request !== 'object') throw new TypeError('httpClient.send expects a Request');
      const { url, method, headers, body } = request as Record<string, unknown>;
      return start(url, method, headers, body, callback);
    },
    get(url: unknown, headers?: unknown, callback?: unknown): Exchange {
      return typeof headers === 'function' ? start(url, 'GET', undefined, undefined, headers) : start(url, 'GET', headers, undefined, callback);
    },
  };
  return { httpClient, Request, exchangeFor };
}
