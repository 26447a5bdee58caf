// Parses the HTTPTargetConnection transport properties that shape the undici pools (compat §6.4).

export interface TargetTransportSettings {
  /** `connect.timeout.millis`: TCP connect plus TLS handshake. */
  readonly connectTimeoutMs: number;
  /** `io.timeout.millis`: wait for response headers, and between response body chunks. */
  readonly ioTimeoutMs: number;
  /** `keepalive.timeout.millis`: idle time of a pooled connection; a shorter server Keep-Alive hint wins. */
  readonly keepAliveTimeoutMs: number;
}

const DEFAULTS: TargetTransportSettings = {
  connectTimeoutMs: 3000, // Apigee default; a connect timeout gives 503
  ioTimeoutMs: 55_000, // Apigee default; a read timeout gives 504
  keepAliveTimeoutMs: 60_000, // Apigee default
};

// undici's own ceiling for a keep-alive idle time; larger values would only keep dead sockets around.
const MAX_KEEPALIVE_MS = 600_000;
// setTimeout's ceiling (2^31-1 ms); larger values fire at once.
const MAX_TIMER_MS = 2_147_483_647;

/** Throws an Error naming every bad property; unknown properties are Apigee's and are ignored. */
export function parseTargetProperties(properties: ReadonlyMap<string, string>): TargetTransportSettings {
  const problems: string[] = [];
  const read = (name: string, fallback: number, max: number): number => {
    const text = properties.get(name);
    if (text === undefined) return fallback;
    const trimmed = text.trim();
    const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      problems.push(`property ${name}: expected an integer 1-${max} (milliseconds), got "${text}"`);
      return fallback;
    }
    return value;
  };
  const settings: TargetTransportSettings = {
    connectTimeoutMs: read('connect.timeout.millis', DEFAULTS.connectTimeoutMs, MAX_TIMER_MS),
    ioTimeoutMs: read('io.timeout.millis', DEFAULTS.ioTimeoutMs, MAX_TIMER_MS),
    keepAliveTimeoutMs: Math.min(read('keepalive.timeout.millis', DEFAULTS.keepAliveTimeoutMs, MAX_TIMER_MS), MAX_KEEPALIVE_MS),
  };
  if (problems.length > 0) throw new Error(`HTTPTargetConnection: ${problems.join('; ')}`);
  return settings;
}
