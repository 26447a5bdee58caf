import { describe, expect, it } from 'vitest';
import { createSampleTally, isRevisionHeaderFor } from '../../../src/rollout/create-sample-tally.js';
import type { RolloutTimeline } from '../../../src/rollout/rollout-timeline.js';

const done: RolloutTimeline = { loadStartedAtMs: 0, deployStartedAtMs: 1000, deployReturnedAtMs: 1050, delayMs: 1000, loadStoppedAtMs: 3000 };

function ok(startedAtMs: number, completedAtMs: number, revision?: string, status = 200) {
  return { startedAtMs, completedAtMs, status, revision };
}

describe('createSampleTally', () => {
  it('puts each sample in the phase of its completion time', () => {
    const tally = createSampleTally({ api: 'orders', revision: 2, timeline: () => done });
    tally.add(ok(990, 999, 'orders/1'));
    tally.add(ok(995, 1001, 'orders/1')); // started before the deploy call, completed after it: during
    tally.add(ok(2000, 2049.5, 'orders/2'));
    tally.add(ok(2040, 2050, 'orders/2'));
    tally.add({ startedAtMs: 2100, completedAtMs: 2200, error: 'reset', code: 'ECONNRESET' });
    const { phases } = tally.toSummary();
    expect([phases.before.responses, phases.during.responses, phases.after.responses]).toEqual([1, 2, 1]);
    expect(phases.after.transportErrors).toEqual({ reset: 1, timeout: 0, other: 0 });
    expect(phases.after.errorCodes).toEqual({ ECONNRESET: 1 });
    expect(phases.during.revisions).toEqual({ 'orders/1': 1, 'orders/2': 1 });
  });

  it('counts status classes, transport errors by kind and code', () => {
    const tally = createSampleTally({ api: 'orders', revision: 2, timeline: () => done });
    for (const status of [200, 204, 301, 404, 429, 500, 503, 101]) tally.add(ok(0, 10, undefined, status));
    tally.add({ startedAtMs: 0, completedAtMs: 10, error: 'timeout', code: 'timeout' });
    tally.add({ startedAtMs: 0, completedAtMs: 10, error: 'reset', code: 'premature close' });
    tally.add({ startedAtMs: 0, completedAtMs: 10, error: 'other', code: 'ECONNREFUSED' });
    const before = tally.toSummary().phases.before;
    expect(before.statusClasses).toEqual({ '2xx': 2, '3xx': 1, '4xx': 2, '5xx': 2, other: 1 });
    expect(before.transportErrors).toEqual({ reset: 1, timeout: 1, other: 1 });
    expect(before.errorCodes).toEqual({ timeout: 1, 'premature close': 1, ECONNREFUSED: 1 });
    expect(before.revisions).toEqual({ '(none)': 8 });
    expect(tally.progress(10)).toEqual({ phase: 'before', requests: 11, errors: 5 });
  });

  it('computes p50, p99 and max of the responses with microsecond precision', () => {
    const tally = createSampleTally({ api: 'a', revision: 1, timeline: () => done });
    // 1..100 ms, plus one 0.25 ms response.
    for (let i = 1; i <= 100; i += 1) tally.add(ok(0, i));
    tally.add(ok(500, 500.25));
    tally.add({ startedAtMs: 0, completedAtMs: 900, error: 'timeout', code: 'timeout' }); // no latency for failures
    const latency = tally.toSummary().phases.before.latencyMs!;
    expect(latency.p50).toBeCloseTo(50, 0);
    expect(latency.p99).toBeCloseTo(99, 0);
    expect(latency.max).toBeCloseTo(100, 0);
    const small = createSampleTally({ api: 'a', revision: 1, timeline: () => done });
    small.add(ok(0, 0.25));
    expect(small.toSummary().phases.before.latencyMs).toEqual({ p50: 0.25, p99: 0.25, max: 0.25 });
    expect(small.toSummary().phases.after.latencyMs).toBeUndefined();
  });

  it('finds the first response from the new revision after the deploy call was sent', () => {
    const tally = createSampleTally({ api: 'orders', revision: 2, timeline: () => done });
    tally.add(ok(900, 950, 'orders/2')); // before the call: does not count
    tally.add(ok(1000, 1010, 'orders/1'));
    tally.add(ok(1000, 1020, 'orders/2'));
    tally.add(ok(1000, 1030, 'orders/2'));
    const summary = tally.toSummary();
    expect(summary.revisionHeaderSeen).toBe(true);
    expect(summary.firstNewRevisionAtMs).toBe(1020);
  });

  it('without a revision header, finds the first 2xx response that started after the call returned', () => {
    const tally = createSampleTally({ api: 'orders', revision: 2, timeline: () => done });
    tally.add(ok(1000, 1100)); // started before the call returned
    tally.add(ok(1060, 1070, undefined, 404));
    tally.add(ok(1060, 1080));
    const summary = tally.toSummary();
    expect(summary.revisionHeaderSeen).toBe(false);
    expect(summary.firstNewRevisionAtMs).toBeUndefined();
    expect(summary.firstAfterReturnAtMs).toBe(1080);
  });

  it('reads the live timeline: a sample is classified against the boundaries known when it arrives', () => {
    let timeline: RolloutTimeline = { loadStartedAtMs: 0, deployStartedAtMs: undefined, deployReturnedAtMs: undefined, delayMs: 500, loadStoppedAtMs: undefined };
    const tally = createSampleTally({ api: 'orders', revision: 2, timeline: () => timeline });
    tally.add(ok(0, 10));
    expect(tally.progress(20).phase).toBe('before');
    timeline = { ...timeline, deployStartedAtMs: 20 };
    tally.add(ok(15, 30));
    expect(tally.progress(40).phase).toBe('during');
    timeline = { ...timeline, deployReturnedAtMs: 50 };
    expect(tally.progress(549).phase).toBe('during');
    tally.add(ok(600, 610));
    expect(tally.progress(611).phase).toBe('after');
    const { phases } = tally.toSummary();
    expect([phases.before.responses, phases.during.responses, phases.after.responses]).toEqual([1, 1, 1]);
  });

  it('bounds the distinct revision labels kept, and cuts long ones', () => {
    const tally = createSampleTally({ api: 'orders', revision: 2, timeline: () => done });
    for (let i = 0; i < 40; i += 1) tally.add(ok(0, 1, `label-${i}`));
    tally.add(ok(0, 1, 'x'.repeat(500)));
    const revisions = tally.toSummary().phases.before.revisions;
    expect(Object.keys(revisions)).toHaveLength(16);
    expect(revisions['(other)']).toBe(26);
    expect(revisions['label-0']).toBe(1);
  });
});

describe('isRevisionHeaderFor', () => {
  it('accepts <api>/<rev> and <rev>', () => {
    expect(isRevisionHeaderFor('orders/2', 'orders', 2)).toBe(true);
    expect(isRevisionHeaderFor(' Orders/2 ', 'orders', 2)).toBe(true);
    expect(isRevisionHeaderFor('2', 'orders', 2)).toBe(true);
    expect(isRevisionHeaderFor('orders/12', 'orders', 2)).toBe(false);
    expect(isRevisionHeaderFor('payments/2', 'orders', 2)).toBe(false);
    expect(isRevisionHeaderFor('/2', 'orders', 2)).toBe(false);
  });
});
