// The rollout's phase boundaries, and which phase a request belongs to (by the time it completed).

export type RolloutPhase = 'before' | 'during' | 'after';
export const rolloutPhases: readonly RolloutPhase[] = ['before', 'during', 'after'];

/** Milliseconds on the rollout's monotonic clock; a boundary not reached yet is undefined. */
export interface RolloutTimeline {
  readonly loadStartedAtMs: number;
  /** When the deploy call (plain mode: the first undeploy) was sent. */
  readonly deployStartedAtMs: number | undefined;
  /** When the deploy call's response arrived. */
  readonly deployReturnedAtMs: number | undefined;
  readonly delayMs: number;
  readonly loadStoppedAtMs: number | undefined;
}

/**
 * before: completed before the deploy call was sent; during: from then until the deploy response + delay (the old
 * revision may still serve); after: later. A boundary not reached yet lies in the future, so classifying at
 * completion time, as samples arrive, gives the same answer as classifying afterwards.
 */
export function toRolloutPhase(completedAtMs: number, timeline: RolloutTimeline): RolloutPhase {
  if (timeline.deployStartedAtMs === undefined || completedAtMs < timeline.deployStartedAtMs) return 'before';
  if (timeline.deployReturnedAtMs === undefined || completedAtMs < timeline.deployReturnedAtMs + timeline.delayMs) return 'during';
  return 'after';
}

/** Length of each phase as far as the load ran (0 for a phase the load never reached). */
export function toPhaseDurationsMs(timeline: RolloutTimeline): Record<RolloutPhase, number> {
  const stop = timeline.loadStoppedAtMs ?? timeline.loadStartedAtMs;
  const deployStart = Math.min(timeline.deployStartedAtMs ?? stop, stop);
  const delayEnd = timeline.deployReturnedAtMs === undefined ? stop : Math.min(timeline.deployReturnedAtMs + timeline.delayMs, stop);
  return {
    before: Math.max(0, deployStart - timeline.loadStartedAtMs),
    during: Math.max(0, delayEnd - deployStart),
    after: Math.max(0, stop - delayEnd),
  };
}
