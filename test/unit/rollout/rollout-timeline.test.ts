import { describe, expect, it } from 'vitest';
import { toPhaseDurationsMs, toRolloutPhase, type RolloutTimeline } from '../../../src/rollout/rollout-timeline.js';

const timeline: RolloutTimeline = { loadStartedAtMs: 0, deployStartedAtMs: 1000, deployReturnedAtMs: 1200, delayMs: 3000, loadStoppedAtMs: 6200 };

describe('toRolloutPhase', () => {
  it('classifies by completion time: before the deploy call, until its response + delay, after', () => {
    expect(toRolloutPhase(0, timeline)).toBe('before');
    expect(toRolloutPhase(999.999, timeline)).toBe('before');
    expect(toRolloutPhase(1000, timeline)).toBe('during');
    expect(toRolloutPhase(1100, timeline)).toBe('during');
    expect(toRolloutPhase(4199.999, timeline)).toBe('during');
    expect(toRolloutPhase(4200, timeline)).toBe('after');
    expect(toRolloutPhase(6000, timeline)).toBe('after');
  });

  it('treats a boundary not reached yet as in the future', () => {
    const beforeDeploy = { ...timeline, deployStartedAtMs: undefined, deployReturnedAtMs: undefined };
    expect(toRolloutPhase(5000, beforeDeploy)).toBe('before');
    const deployInFlight = { ...timeline, deployReturnedAtMs: undefined };
    expect(toRolloutPhase(9000, deployInFlight)).toBe('during');
  });

  it('has no during window beyond the deploy call when the delay is 0', () => {
    const noDelay = { ...timeline, delayMs: 0 };
    expect(toRolloutPhase(1199, noDelay)).toBe('during');
    expect(toRolloutPhase(1200, noDelay)).toBe('after');
  });
});

describe('toPhaseDurationsMs', () => {
  it('measures each phase as far as the load ran', () => {
    expect(toPhaseDurationsMs(timeline)).toEqual({ before: 1000, during: 3200, after: 2000 });
    // A failed deploy stops the load as soon as the call returns.
    expect(toPhaseDurationsMs({ ...timeline, loadStoppedAtMs: 1200 })).toEqual({ before: 1000, during: 200, after: 0 });
    expect(toPhaseDurationsMs({ ...timeline, deployStartedAtMs: undefined, deployReturnedAtMs: undefined, loadStoppedAtMs: 500 })).toEqual({ before: 500, during: 0, after: 0 });
  });
});
