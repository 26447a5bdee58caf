// Counts failed logins per key (client address, user) in a sliding window, in bounded memory.

export interface FailureLimiter {
  /** Milliseconds until `key` may try again; 0 when it is not limited. */
  retryAfterMs(key: string): number;
  recordFailure(key: string): void;
}

export interface FailureLimiterOptions {
  /** Failures allowed per window; the next attempt is refused until the oldest of them leaves the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Keys tracked at most; the least recently failed are forgotten first, so a flood of addresses cannot grow memory. */
  readonly maxKeys: number;
  readonly now: () => number;
}

export function createFailureLimiter(options: FailureLimiterOptions): FailureLimiter {
  const { maxFailures, windowMs, maxKeys, now } = options;
  // Per key, the times of its last `maxFailures` failures, oldest first; Map order is least recently failed first.
  const failures = new Map<string, number[]>();

  const recent = (key: string, at: number): number[] | undefined => {
    const times = failures.get(key);
    if (!times) return undefined;
    while (times.length > 0 && (times[0] ?? 0) <= at - windowMs) times.shift();
    if (times.length === 0) {
      failures.delete(key);
      return undefined;
    }
    return times;
  };

  return {
    retryAfterMs(key) {
      const at = now();
      const times = recent(key, at);
      if (!times || times.length < maxFailures) return 0;
      return (times[0] ?? at) + windowMs - at;
    },
    recordFailure(key) {
      const at = now();
      const times = recent(key, at) ?? [];
      times.push(at);
      if (times.length > maxFailures) times.shift();
      failures.delete(key);
      failures.set(key, times);
      if (failures.size > maxKeys) {
        const oldest = failures.keys().next();
        if (!oldest.done) failures.delete(oldest.value);
      }
    },
  };
}
