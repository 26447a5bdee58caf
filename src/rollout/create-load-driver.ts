// Steady keep-alive load with autocannon, turned into one RolloutSample per finished request (response or failure).
import { createRequire } from 'node:module';
import { toErrorCode, toTransportErrorKind, type RolloutSample } from './rollout-sample.js';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Requests per second over all connections; undefined: as fast as the target answers. */
  readonly overallRate: number | undefined;
  readonly method: 'GET' | 'POST';
  readonly body: Buffer | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case name of the response header naming the serving revision. */
  readonly revisionHeader: string;
  readonly requestTimeoutS: number;
  /** A watchdog: autocannon stops by itself after this long even if close() is never called. */
  readonly maxDurationS: number;
  /** Monotonic clock in milliseconds. */
  readonly now: () => number;
}

export interface LoadDriver {
  /** Stops the load and resolves once every connection is closed; samples after the call are dropped. */
  close(): Promise<void>;
}

/** The parts of autocannon's Client used here (it ships no types; see its README, "Client events"). */
interface AutocannonClient {
  on(event: 'request' | 'timeout', listener: () => void): void;
  on(event: 'headers', listener: (info: { readonly headers?: readonly string[] }) => void): void;
  on(event: 'response', listener: (statusCode: number) => void): void;
  on(event: 'connError', listener: (error: Error) => void): void;
}

interface AutocannonInstance {
  stop(): void;
}

type Autocannon = (options: Record<string, unknown>, done: (err: Error | null) => void) => AutocannonInstance;

// autocannon is CommonJS without type declarations: load it through require and type the parts used.
const loadAutocannon = (): Autocannon => createRequire(import.meta.url)('autocannon') as Autocannon;

// autocannon checks its stop flag on each sample tick: a short tick makes close() prompt.
const sampleIntervalMs = 100;

function readHeader(raw: readonly string[] | undefined, name: string): string | undefined {
  if (!raw) return undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/**
 * Tracks one connection's request in flight (pipelining is 1). autocannon reconnects silently when the server ends a
 * connection under a request and never reports it; a new request while one is still in flight exposes that case,
 * which counts as a reset (premature close). A timeout also reconnects first and reports after, hence the deferral.
 */
function trackClient(client: AutocannonClient, options: LoadOptions, emit: (sample: RolloutSample) => void): void {
  let startedAtMs: number | undefined;
  let abandonedAtMs: number | undefined;
  let revision: string | undefined;
  const reportAbandoned = (): void => {
    if (abandonedAtMs === undefined) return;
    emit({ startedAtMs: abandonedAtMs, completedAtMs: options.now(), error: 'reset', code: 'premature close' });
    abandonedAtMs = undefined;
  };
  client.on('request', () => {
    if (startedAtMs !== undefined) {
      reportAbandoned();
      abandonedAtMs = startedAtMs;
      process.nextTick(reportAbandoned);
    }
    startedAtMs = options.now();
    revision = undefined;
  });
  client.on('headers', (info) => {
    revision = readHeader(info.headers, options.revisionHeader);
  });
  client.on('response', (statusCode) => {
    const completedAtMs = options.now();
    emit({ startedAtMs: startedAtMs ?? completedAtMs, completedAtMs, status: statusCode, revision });
    startedAtMs = undefined;
    revision = undefined;
  });
  client.on('timeout', () => {
    const timedOutAtMs = abandonedAtMs ?? startedAtMs;
    if (abandonedAtMs !== undefined) abandonedAtMs = undefined;
    else startedAtMs = undefined;
    if (timedOutAtMs !== undefined) emit({ startedAtMs: timedOutAtMs, completedAtMs: options.now(), error: 'timeout', code: 'timeout' });
  });
  client.on('connError', (error) => {
    // An idle connection that fails takes no request with it.
    if (startedAtMs === undefined) return;
    emit({ startedAtMs, completedAtMs: options.now(), error: toTransportErrorKind(error), code: toErrorCode(error) });
    startedAtMs = undefined;
  });
}

/** Starts the load at once. `onSample` gets every request that finished before close() was called. */
export function createLoadDriver(options: LoadOptions, onSample: (sample: RolloutSample) => void): LoadDriver {
  let closing = false;
  const emit = (sample: RolloutSample): void => {
    if (!closing) onSample(sample);
  };
  let setupError: Error | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const instance = loadAutocannon()({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    method: options.method,
    headers: options.headers,
    ...(options.body ? { body: options.body } : {}),
    ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
    timeout: options.requestTimeoutS,
    duration: options.maxDurationS,
    sampleInt: sampleIntervalMs,
    setupClient: (client: AutocannonClient) => trackClient(client, options, emit),
  }, (err) => {
    if (err) setupError = err;
    finish();
  });
  if (setupError) throw setupError;
  return {
    async close() {
      closing = true;
      instance.stop();
      await finished;
    },
  };
}
