// Quota counting on the environment's counters: fixed windows, flexi, rolling window, weights, identifiers, refusals.
import { describe, expect, it } from 'vitest';
import { createRateLimitCounters } from '../../../src/rate-limits/create-rate-limit-counters.js';
import type { QuotaConsumption } from '../../../src/rate-limits/quota-counter.js';

const scope = { apiName: 'orders', policyName: 'Q' };
const minute = 60_000;
const base: QuotaConsumption = { type: 'default', interval: 1, timeUnit: 'minute', allow: 3, weight: 1 };

describe('Quota counters', () => {
  it('let the limit through in a window, refuse the rest without counting them, and reset with the next window', () => {
    const counters = createRateLimitCounters();
    const t0 = 10 * minute + 1_000;
    const outcomes = [0, 1, 2, 3, 4].map((i) => counters.consumeQuota(scope, 'app', base, t0 + i));
    expect(outcomes.map((o) => o.allowed)).toEqual([true, true, true, false, false]);
    expect(outcomes[2]).toMatchObject({ allowCount: 3, usedCount: 3, availableCount: 0, exceedCount: 0, expiryTime: 11 * minute });
    expect(outcomes[4]).toMatchObject({ usedCount: 3, availableCount: 0, exceedCount: 2, totalExceedCount: 2 });
    const next = counters.consumeQuota(scope, 'app', base, 11 * minute);
    expect(next).toMatchObject({ allowed: true, usedCount: 1, availableCount: 2, exceedCount: 0, totalExceedCount: 2, expiryTime: 12 * minute });
  });

  it('keep one counter per identifier, per policy and per proxy', () => {
    const counters = createRateLimitCounters();
    const use = (s: typeof scope, id: string) => counters.consumeQuota(s, id, { ...base, allow: 1 }, 5);
    expect(use(scope, 'a').allowed).toBe(true);
    expect(use(scope, 'a').allowed).toBe(false);
    expect(use(scope, 'b').allowed).toBe(true);
    expect(use({ apiName: 'orders', policyName: 'Other' }, 'a').allowed).toBe(true);
    expect(use({ apiName: 'billing', policyName: 'Q' }, 'a').allowed).toBe(true);
    expect(counters.size()).toBe(4);
  });

  it('count a message by its weight, and refuse one that would go past the limit', () => {
    const counters = createRateLimitCounters();
    expect(counters.consumeQuota(scope, 'a', { ...base, allow: 5, weight: 2 }, 0)).toMatchObject({ allowed: true, usedCount: 2, availableCount: 3 });
    expect(counters.consumeQuota(scope, 'a', { ...base, allow: 5, weight: 4 }, 1)).toMatchObject({ allowed: false, usedCount: 2 });
    expect(counters.consumeQuota(scope, 'a', { ...base, allow: 5, weight: 3 }, 2)).toMatchObject({ allowed: true, usedCount: 5, availableCount: 0 });
  });

  it('start a flexi window at the first message and a new one at the first message after it ends', () => {
    const counters = createRateLimitCounters();
    const flexi: QuotaConsumption = { ...base, type: 'flexi', allow: 2 };
    const t0 = 7 * minute + 30_000;
    expect(counters.consumeQuota(scope, 'a', flexi, t0)).toMatchObject({ allowed: true, expiryTime: t0 + minute });
    expect(counters.consumeQuota(scope, 'a', flexi, t0 + 40_000).allowed).toBe(true);
    // A clock-aligned window would have reset at 8 minutes; flexi holds until t0 + 1 minute.
    expect(counters.consumeQuota(scope, 'a', flexi, 8 * minute + 5_000).allowed).toBe(false);
    const later = t0 + minute + 12_345;
    expect(counters.consumeQuota(scope, 'a', flexi, later)).toMatchObject({ allowed: true, usedCount: 1, expiryTime: later + minute });
  });

  it('count a calendar quota from its StartTime', () => {
    const counters = createRateLimitCounters();
    const calendar: QuotaConsumption = { ...base, type: 'calendar', startTime: 20_000, allow: 1 };
    expect(counters.consumeQuota(scope, 'a', calendar, 79_999)).toMatchObject({ allowed: true, expiryTime: 80_000 });
    expect(counters.consumeQuota(scope, 'a', calendar, 79_999).allowed).toBe(false);
    expect(counters.consumeQuota(scope, 'a', calendar, 80_000)).toMatchObject({ allowed: true, expiryTime: 140_000 });
  });

  it('look back one interval in a rolling window: a message leaves it one interval (to 1/60 of it) after it was counted', () => {
    const counters = createRateLimitCounters();
    const rolling: QuotaConsumption = { ...base, type: 'rollingwindow' };
    for (const at of [0, 20_000, 40_000]) expect(counters.consumeQuota(scope, 'a', rolling, at).allowed).toBe(true);
    expect(counters.consumeQuota(scope, 'a', rolling, 50_000)).toMatchObject({ allowed: false, usedCount: 3, expiryTime: 61_000 });
    // A clock-aligned minute would have reset at 60 s; the message of 0 s still counts until 61 s.
    expect(counters.consumeQuota(scope, 'a', rolling, 60_500).allowed).toBe(false);
    expect(counters.consumeQuota(scope, 'a', rolling, 61_000)).toMatchObject({ allowed: true, usedCount: 3 });
    expect(counters.consumeQuota(scope, 'a', rolling, 62_000).allowed).toBe(false);
    expect(counters.consumeQuota(scope, 'a', rolling, 81_000)).toMatchObject({ allowed: true, usedCount: 3 });
  });

  it('start afresh when the window shape changes between messages (a ref resolving differently)', () => {
    const counters = createRateLimitCounters();
    expect(counters.consumeQuota(scope, 'a', { ...base, allow: 1 }, 1_000).allowed).toBe(true);
    expect(counters.consumeQuota(scope, 'a', { ...base, allow: 1 }, 1_001).allowed).toBe(false);
    const perSecond: QuotaConsumption = { ...base, allow: 1, timeUnit: 'second' };
    expect(counters.consumeQuota(scope, 'a', perSecond, 1_002).allowed).toBe(true);
    expect(counters.consumeQuota(scope, 'a', perSecond, 1_003).allowed).toBe(false);
    expect(counters.consumeQuota(scope, 'a', perSecond, 2_000).allowed).toBe(true);
  });
});
