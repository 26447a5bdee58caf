// SpikeArrest counting: smoothing to one message per rate interval, and the sliding-window count of UseEffectiveCount.
import { describe, expect, it } from 'vitest';
import { createRateLimitCounters } from '../../../src/rate-limits/create-rate-limit-counters.js';
import type { SpikeArrestConsumption } from '../../../src/rate-limits/spike-arrest-counter.js';

const scope = { apiName: 'orders', policyName: 'SA' };
const tenPerSecond: SpikeArrestConsumption = { rate: 10, periodMs: 1_000, weight: 1, useEffectiveCount: false };

describe('SpikeArrest smoothing', () => {
  it('lets one message through per 100 ms at 10ps, however many arrive at once', () => {
    const counters = createRateLimitCounters();
    const at = (t: number) => counters.consumeSpikeArrest(scope, 'c', tenPerSecond, t).allowed;
    expect([at(1_000), at(1_000), at(1_050), at(1_099)]).toEqual([true, false, false, false]);
    expect(at(1_100)).toBe(true);
    expect(at(1_150)).toBe(false);
    expect(at(1_500)).toBe(true);
    // Idle time does not build up a burst.
    expect([at(5_000), at(5_001)]).toEqual([true, false]);
  });

  it('spaces messages of 30pm two seconds apart', () => {
    const counters = createRateLimitCounters();
    const thirtyPerMinute = { ...tenPerSecond, rate: 30, periodMs: 60_000 };
    expect(counters.consumeSpikeArrest(scope, 'c', thirtyPerMinute, 0).allowed).toBe(true);
    expect(counters.consumeSpikeArrest(scope, 'c', thirtyPerMinute, 1_999).allowed).toBe(false);
    expect(counters.consumeSpikeArrest(scope, 'c', thirtyPerMinute, 2_000)).toMatchObject({ allowed: true, expiryTime: 4_000 });
  });

  it('passes rates above 1000ps on a millisecond clock: 5000ps lets five messages through per millisecond', () => {
    const counters = createRateLimitCounters();
    const fast = { ...tenPerSecond, rate: 5_000 };
    const allowed = Array.from({ length: 7 }, () => counters.consumeSpikeArrest(scope, 'c', fast, 1_000).allowed);
    expect(allowed).toEqual([true, true, true, true, true, false, false]);
    expect(counters.consumeSpikeArrest(scope, 'c', fast, 1_001).allowed).toBe(true);
  });

  it('makes a message of weight 2 take two intervals, and counts identifiers apart', () => {
    const counters = createRateLimitCounters();
    expect(counters.consumeSpikeArrest(scope, 'c', { ...tenPerSecond, weight: 2 }, 0).allowed).toBe(true);
    expect(counters.consumeSpikeArrest(scope, 'c', tenPerSecond, 100).allowed).toBe(false);
    expect(counters.consumeSpikeArrest(scope, 'other', tenPerSecond, 100).allowed).toBe(true);
    expect(counters.consumeSpikeArrest(scope, 'c', tenPerSecond, 200).allowed).toBe(true);
  });
});

describe('SpikeArrest message weight', () => {
  it('refuses a message heavier than the rate allows per period, and it does not lock the counter', () => {
    const counters = createRateLimitCounters();
    expect(counters.consumeSpikeArrest(scope, 'c', { ...tenPerSecond, weight: 1e9 }, 0)).toMatchObject({ allowed: false });
    expect(counters.consumeSpikeArrest(scope, 'c', { ...tenPerSecond, weight: 11 }, 0).allowed).toBe(false);
    expect(counters.consumeSpikeArrest(scope, 'c', tenPerSecond, 0).allowed).toBe(true);
  });

  it('a message of the full per-period weight passes and holds the counter for at most one period', () => {
    const counters = createRateLimitCounters();
    expect(counters.consumeSpikeArrest(scope, 'c', { ...tenPerSecond, weight: 10 }, 0)).toMatchObject({ allowed: true, expiryTime: 1_000 });
    expect(counters.consumeSpikeArrest(scope, 'c', tenPerSecond, 999).allowed).toBe(false);
    expect(counters.consumeSpikeArrest(scope, 'c', tenPerSecond, 1_000).allowed).toBe(true);
  });
});

describe('SpikeArrest with UseEffectiveCount', () => {
  const fivePerSecond: SpikeArrestConsumption = { rate: 5, periodMs: 1_000, weight: 1, useEffectiveCount: true };

  it('lets the whole rate through at once, then weighs the previous period by how much of it is still in the window', () => {
    const counters = createRateLimitCounters();
    const at = (t: number) => counters.consumeSpikeArrest(scope, 'c', fivePerSecond, t);
    expect([0, 1, 2, 3, 4, 5].map((i) => at(10_000 + i).allowed)).toEqual([true, true, true, true, true, false]);
    expect(at(10_010)).toMatchObject({ allowed: false, allowCount: 5, usedCount: 5, exceedCount: 2 });
    // At 11.0 s the previous second still counts in full.
    expect(at(11_000).allowed).toBe(false);
    // At 11.5 s half of it remains: 2.5, so two more fit.
    expect([at(11_500).allowed, at(11_500).allowed, at(11_500).allowed]).toEqual([true, true, false]);
    // A quiet period lets the count drop to nothing.
    expect(at(13_000)).toMatchObject({ allowed: true, usedCount: 1 });
  });
});
