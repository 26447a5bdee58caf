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

  it('hold at most the configured number of identifiers per policy, evicting the counter nearest its expiry', () => {
    const counters = createRateLimitCounters({ maxIdentifiersPerPolicy: 3 });
    const perHour = { ...perMinute, timeUnit: 'hour' as const };
    const perDay = { ...perMinute, timeUnit: 'day' as const };
    // `day` is the least recently used, but its window ends last; `minute`'s ends first.
    expect(counters.consumeQuota(scope, 'day', perDay, 0).allowed).toBe(true);
    expect(counters.consumeQuota(scope, 'minute', perMinute, 0).allowed).toBe(true);
    expect(counters.consumeQuota(scope, 'hour', perHour, 0).allowed).toBe(true);
    expect(counters.consumeQuota(scope, 'new', perHour, 1).allowed).toBe(true);
    expect(counters.size()).toBe(3);
    expect(counters.consumeQuota(scope, 'day', perDay, 2).allowed).toBe(false);
    expect(counters.consumeQuota(scope, 'hour', perHour, 2).allowed).toBe(false);
    // `minute` was evicted: it starts over (the documented cost of the cap, at most what was left of its window).
    expect(counters.consumeQuota(scope, 'minute', perMinute, 3).allowed).toBe(true);
    expect(counters.size()).toBe(3);
    // The cap is per policy.
    expect(counters.consumeQuota({ apiName: 'orders', policyName: 'Q2' }, 'a', perMinute, 5).allowed).toBe(true);
    expect(counters.size()).toBe(4);
  });

  it('report every eviction of a live counter, flagging the first of each policy', () => {
    const evictions: string[] = [];
    const counters = createRateLimitCounters({ maxIdentifiersPerPolicy: 1, onEvicted: (evicted, first) => evictions.push(`${evicted.apiName}/${evicted.policyName}${first ? ' first' : ''}`) });
    counters.consumeQuota(scope, 'a', perMinute, 0);
    counters.consumeQuota(scope, 'b', perMinute, 1);
    counters.consumeQuota(scope, 'c', perMinute, 2);
    counters.consumeQuota({ apiName: 'billing', policyName: 'Q' }, 'a', perMinute, 3);
    counters.consumeQuota({ apiName: 'billing', policyName: 'Q' }, 'b', perMinute, 4);
    // An expired counter is dropped, not evicted: nothing reported.
    counters.consumeQuota(scope, 'd', perMinute, 120_000);
    expect(evictions).toEqual(['orders/Q first', 'orders/Q', 'billing/Q first']);
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
