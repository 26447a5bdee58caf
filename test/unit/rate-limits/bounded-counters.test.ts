// The counters stay bounded: expired windows are dropped, identifiers per policy are capped, long identifiers are digested.
import { describe, expect, it } from 'vitest';
import { createRateLimitCounters } from '../../../src/rate-limits/create-rate-limit-counters.js';
import type { QuotaConsumption } from '../../../src/rate-limits/quota-counter.js';

const scope = { apiName: 'orders', policyName: 'Q' };
const perMinute: QuotaConsumption = { type: 'default', interval: 1, timeUnit: 'minute', allow: 1, weight: 1 };

describe('bounded rate-limit counters', () => {
  it('drop the counters of ended windows on the next message after a sweep interval', () => {
    const counters = createRateLimitCounters({ sweepIntervalMs: 60_000 });
    for (let i = 0; i < 50; i += 1) counters.consumeQuota(scope, `client-${i}`, perMinute, 1_000);
    counters.consumeSpikeArrest({ apiName: 'orders', policyName: 'SA' }, 'x', { rate: 1, periodMs: 1_000, weight: 1, useEffectiveCount: false }, 1_000);
    expect(counters.size()).toBe(51);
    counters.consumeQuota(scope, 'client-0', perMinute, 61_000);
    expect(counters.size()).toBe(1);
  });

  it('hold at most the configured number of identifiers per policy, evicting the least recently used', () => {
    const counters = createRateLimitCounters({ maxIdentifiersPerPolicy: 3 });
    for (const id of ['a', 'b', 'c']) expect(counters.consumeQuota(scope, id, perMinute, 0).allowed).toBe(true);
    // `a` is used again (refused), so `b` is now the least recently used.
    expect(counters.consumeQuota(scope, 'a', perMinute, 1).allowed).toBe(false);
    expect(counters.consumeQuota(scope, 'd', perMinute, 2).allowed).toBe(true);
    expect(counters.size()).toBe(3);
    expect(counters.consumeQuota(scope, 'a', perMinute, 3).allowed).toBe(false);
    expect(counters.consumeQuota(scope, 'c', perMinute, 3).allowed).toBe(false);
    // `b` was evicted: it starts over (this is the documented cost of the cap).
    expect(counters.consumeQuota(scope, 'b', perMinute, 4).allowed).toBe(true);
    expect(counters.size()).toBe(3);
    // The cap is per policy.
    expect(counters.consumeQuota({ apiName: 'orders', policyName: 'Q2' }, 'a', perMinute, 5).allowed).toBe(true);
    expect(counters.size()).toBe(4);
  });

  it('prefer dropping expired counters to evicting live ones when the cap is reached', () => {
    const counters = createRateLimitCounters({ maxIdentifiersPerPolicy: 2, sweepIntervalMs: 3_600_000 });
    // `live` is the least recently used, but its hour has not ended; `old`'s minute has.
    counters.consumeQuota(scope, 'live', { ...perMinute, timeUnit: 'hour' }, 0);
    counters.consumeQuota(scope, 'old', perMinute, 0);
    counters.consumeQuota(scope, 'new', perMinute, 60_000);
    expect(counters.consumeQuota(scope, 'live', { ...perMinute, timeUnit: 'hour' }, 60_001).allowed).toBe(false);
  });

  it('key long identifiers by a digest, still one counter each', () => {
    const counters = createRateLimitCounters();
    const long = 'k'.repeat(10_000);
    expect(counters.consumeQuota(scope, long, perMinute, 0).allowed).toBe(true);
    expect(counters.consumeQuota(scope, long, perMinute, 1).allowed).toBe(false);
    expect(counters.consumeQuota(scope, `${long}2`, perMinute, 2).allowed).toBe(true);
  });

  it('forget everything on close', () => {
    const counters = createRateLimitCounters();
    counters.consumeQuota(scope, 'a', perMinute, 0);
    counters.close();
    expect(counters.size()).toBe(0);
    expect(counters.consumeQuota(scope, 'a', perMinute, 1).allowed).toBe(true);
  });
});
