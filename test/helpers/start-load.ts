// Test helper: closed-loop load over keep-alive connections to a loopback gateway, recording every response.
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';

export interface LoadRequest {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  readonly body?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a response looked like, for checks beyond status and revision (e.g. which upstream answered). */
export interface LoadResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface LoadResult {
  /** Index of the loop (and connection) that sent it. */
  readonly loop: number;
  /** 0 when the request failed at the transport level. */
  readonly status: number;
  /** `X-Baton-Revision`, e.g. `swap/2`. */
  readonly revision: string | undefined;
  /** The `describe` option's label for the response. */
  readonly label: string | undefined;
  /** undici error code (or message) of a transport error: reset, hang-up, premature close, short body. */
  readonly error: string | undefined;
  /** performance.now() just before the request was handed to the connection, and once its body was read. */
  readonly startedAtMs: number;
  readonly endedAtMs: number;
}

export interface LoadOptions {
  /** Origin of the gateway listener; loopback only. */
  readonly origin: string;
  readonly request: LoadRequest | ((loop: number, sequence: number) => LoadRequest);
  /** Concurrent loops, one keep-alive connection each (pipelining 1). */
  readonly connections: number;
  /**
   * Hard bounds: the loops stop on their own after this many requests in all, or this long; a loop also stops after
   * this many transport errors in a row (the gateway is gone, e.g. a failed test closed it before stop()).
   */
  readonly maxRequests?: number;
  readonly maxDurationMs?: number;
  readonly maxConsecutiveErrors?: number;
  readonly describe?: (response: LoadResponse) => string | undefined;
}

export interface LoadSummary {
  readonly requests: number;
  /** Responses with a status outside 200-299 (transport errors not included). */
  readonly non2xx: number;
  readonly errors: number;
  /** TCP connections the clients opened: `connections` when no connection was ever lost. */
  readonly connects: number;
  /** Connections that ended, the ones stop() closes included. */
  readonly disconnects: number;
  readonly durationMs: number;
  readonly results: readonly LoadResult[];
}

export interface Load {
  readonly results: readonly LoadResult[];
  /** Resolves with the first result (recorded so far or later) that matches; rejects if the load ends first. */
  waitFor(predicate: (result: LoadResult) => boolean): Promise<LoadResult>;
  /** Ends every loop after its current request and resolves once all have finished and closed their connections. */
  stop(): Promise<LoadSummary>;
}

const DEFAULT_MAX_REQUESTS = 50_000;
const DEFAULT_MAX_DURATION_MS = 15_000;
const DEFAULT_MAX_CONSECUTIVE_ERRORS = 100;

function assertLoopback(origin: string): void {
  const host = new URL(origin).hostname;
  if (host !== '127.0.0.1' && host !== '[::1]' && host !== 'localhost') throw new Error(`startLoad: loopback origins only, got ${origin}`);
}

function toErrorCode(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' ? e.code : String(e.message ?? err);
}

export function startLoad(options: LoadOptions): Load {
  assertLoopback(options.origin);
  const maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
  const maxDurationMs = options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS;
  const maxConsecutiveErrors = options.maxConsecutiveErrors ?? DEFAULT_MAX_CONSECUTIVE_ERRORS;
  const startedAtMs = performance.now();
  const results: LoadResult[] = [];
  const waiters = new Set<{ predicate: (r: LoadResult) => boolean; resolve: (r: LoadResult) => void; reject: (err: Error) => void }>();
  let stopping = false;
  let ended = false;
  let sent = 0;
  let connects = 0;
  let disconnects = 0;

  const record = (result: LoadResult): void => {
    results.push(result);
    for (const waiter of waiters) {
      if (!waiter.predicate(result)) continue;
      waiters.delete(waiter);
      waiter.resolve(result);
    }
  };

  const runLoop = async (loop: number): Promise<void> => {
    // Keep-alive well past the run: a reconnect then means the gateway closed the connection.
    const client = new Client(options.origin, { pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
    client.on('connect', () => connects++);
    client.on('disconnect', () => disconnects++);
    let consecutiveErrors = 0;
    try {
      for (let sequence = 0; !stopping && sent < maxRequests && consecutiveErrors < maxConsecutiveErrors && performance.now() - startedAtMs < maxDurationMs; sequence++) {
        sent++;
        const spec = typeof options.request === 'function' ? options.request(loop, sequence) : options.request;
        const began = performance.now();
        try {
          const response = await client.request({
            method: spec.method ?? 'GET',
            path: spec.path,
            headers: spec.headers,
            body: spec.body,
          });
          const body = Buffer.from(await response.body.arrayBuffer());
          const revision = response.headers['x-baton-revision'];
          consecutiveErrors = 0;
          record({
            loop,
            status: response.statusCode,
            revision: typeof revision === 'string' ? revision : undefined,
            label: options.describe?.({ status: response.statusCode, headers: response.headers, body }),
            error: undefined,
            startedAtMs: began,
            endedAtMs: performance.now(),
          });
        } catch (err) {
          consecutiveErrors++;
          record({ loop, status: 0, revision: undefined, label: undefined, error: toErrorCode(err), startedAtMs: began, endedAtMs: performance.now() });
        }
      }
    } finally {
      await client.close().catch(() => client.destroy());
    }
  };

  const loops = Array.from({ length: options.connections }, (_, loop) => runLoop(loop));
  const finished = Promise.all(loops).then(() => {
    ended = true;
    for (const waiter of waiters) waiter.reject(new Error(`load ended before the awaited response (${results.length} responses)`));
    waiters.clear();
  });

  return {
    results,
    waitFor(predicate) {
      const found = results.find(predicate);
      if (found) return Promise.resolve(found);
      if (stopping || ended) return Promise.reject(new Error(`load ended before the awaited response (${results.length} responses)`));
      return new Promise((resolve, reject) => waiters.add({ predicate, resolve, reject }));
    },
    async stop() {
      stopping = true;
      await finished;
      return {
        requests: results.length,
        non2xx: results.filter((r) => r.status !== 0 && (r.status < 200 || r.status > 299)).length,
        errors: results.filter((r) => r.status === 0).length,
        connects,
        disconnects,
        durationMs: performance.now() - startedAtMs,
        results,
      };
    },
  };
}
