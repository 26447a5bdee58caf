import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from '../../../src/access/create-failure-limiter.js';

function createClockedLimiter(maxKeys = 100) {
  let nowMs = 0;
  const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000, maxKeys, now: () => nowMs });
  return { limiter, advance: (ms: number) => (nowMs += ms) };
}

describe('createFailureLimiter', () => {
  it('limits a key after maxFailures within the window, until the oldest failure leaves it', () => {
    const { limiter, advance } = createClockedLimiter();
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('a')).toBe(0);
      limiter.recordFailure('a');
      advance(10_000);
    }
    // Failures at 0, 10 s, 20 s; now 30 s: the one at 0 leaves the window at 60 s.
    expect(limiter.retryAfterMs('a')).toBe(30_000);
    expect(limiter.retryAfterMs('b')).toBe(0);
    advance(30_000);
    expect(limiter.retryAfterMs('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.retryAfterMs('a')).toBe(10_000);
  });

  it('slides: failures spread wider than the window never limit', () => {
    const { limiter, advance } = createClockedLimiter();
    for (let i = 0; i < 50; i++) {
      expect(limiter.retryAfterMs('a')).toBe(0);
      limiter.recordFailure('a');
      advance(30_001);
    }
  });

  it('keeps at most maxKeys keys, forgetting the least recently failed first', () => {
    const { limiter } = createClockedLimiter(2);
    for (const key of ['a', 'b', 'a', 'b', 'a', 'b']) limiter.recordFailure(key);
    expect(limiter.retryAfterMs('a')).toBeGreaterThan(0);
    limiter.recordFailure('a');
    limiter.recordFailure('c');
    expect(limiter.retryAfterMs('b')).toBe(0);
    expect(limiter.retryAfterMs('a')).toBeGreaterThan(0);
  });
});
