// One SpikeArrest counter: smoothing (one message per rate interval, GCRA) or, with UseEffectiveCount, a sliding-window count.

/** What one message asks of its counter, the rate already resolved. */
export interface SpikeArrestConsumption {
  /** Messages per period (`10` of `10ps`). */
  readonly rate: number;
  /** 1 000 for `ps`, 60 000 for `pm`. */
  readonly periodMs: number;
  readonly weight: number;
  readonly useEffectiveCount: boolean;
}

export interface SpikeArrestOutcome {
  readonly allowed: boolean;
  /** The rate (effective count) or 1 (smoothing: one message per interval). */
  readonly allowCount: number;
  /** Messages counted in the sliding window (effective count) or 0/1 for the current interval (smoothing). */
  readonly usedCount: number;
  /** Messages refused in a row. */
  readonly exceedCount: number;
  /** Epoch ms when the next message of weight 1 can pass. */
  readonly expiryTime: number;
}

export interface SmoothingState {
  readonly kind: 'smoothing';
  /** GCRA theoretical arrival time: the earliest instant the next message may pass. */
  nextAllowedAt: number;
  exceed: number;
  expiresAt: number;
}

export interface EffectiveCountState {
  readonly kind: 'effective';
  readonly periodMs: number;
  windowStart: number;
  current: number;
  previous: number;
  exceed: number;
  expiresAt: number;
}

export type SpikeArrestState = SmoothingState | EffectiveCountState;

const CLOCK_RESOLUTION_MS = 1;

export function consumeSpikeArrest(state: SpikeArrestState | undefined, consumption: SpikeArrestConsumption, now: number): { state: SpikeArrestState; outcome: SpikeArrestOutcome } {
  return consumption.useEffectiveCount ? consumeEffective(state, consumption, now) : consumeSmoothed(state, consumption, now);
}

/**
 * Apigee's smoothing: `10ps` lets one message through per 100 ms and `30pm` one per 2 s, with no burst. Each message
 * pushes the next allowed instant by weight × interval (GCRA with a burst of one); a refused message changes nothing.
 * A message heavier than the rate (more than one period's allowance) is always refused, as in Apigee, so no weight
 * can hold the counter for longer than one period.
 */
function consumeSmoothed(previous: SpikeArrestState | undefined, c: SpikeArrestConsumption, now: number): { state: SpikeArrestState; outcome: SpikeArrestOutcome } {
  const intervalMs = c.periodMs / c.rate;
  const state: SmoothingState = previous?.kind === 'smoothing' ? previous : { kind: 'smoothing', nextAllowedAt: now, exceed: 0, expiresAt: now };
  // The clock has millisecond resolution: a message may pass while the next allowed instant is inside the current
  // millisecond, otherwise rates above 1000ps would be capped at one message per millisecond.
  const allowed = state.nextAllowedAt < now + CLOCK_RESOLUTION_MS && c.weight <= c.rate;
  if (allowed) {
    state.nextAllowedAt = Math.min(Math.max(state.nextAllowedAt, now) + c.weight * intervalMs, now + c.periodMs);
    state.expiresAt = state.nextAllowedAt;
    state.exceed = 0;
  } else state.exceed += 1;
  return {
    state,
    outcome: { allowed, allowCount: 1, usedCount: state.nextAllowedAt > now ? 1 : 0, exceedCount: state.exceed, expiryTime: Math.max(now, state.nextAllowedAt) },
  };
}

/**
 * UseEffectiveCount: up to `rate` messages in any period, without smoothing. The period count is the sliding-window
 * estimate "previous period × the share of it still inside the window + current period", so memory stays fixed.
 */
function consumeEffective(previous: SpikeArrestState | undefined, c: SpikeArrestConsumption, now: number): { state: SpikeArrestState; outcome: SpikeArrestOutcome } {
  const windowStart = Math.floor(now / c.periodMs) * c.periodMs;
  let state: EffectiveCountState;
  if (previous?.kind === 'effective' && previous.periodMs === c.periodMs) {
    state = previous;
    if (state.windowStart !== windowStart) {
      state.previous = windowStart - state.windowStart === c.periodMs ? state.current : 0;
      state.current = 0;
      state.windowStart = windowStart;
    }
  } else state = { kind: 'effective', periodMs: c.periodMs, windowStart, current: 0, previous: 0, exceed: 0, expiresAt: now };
  const remainingShare = 1 - (now - windowStart) / c.periodMs;
  const counted = state.previous * remainingShare + state.current;
  const allowed = counted + c.weight <= c.rate;
  if (allowed) {
    state.current += c.weight;
    state.exceed = 0;
    state.expiresAt = windowStart + 2 * c.periodMs;
  } else state.exceed += 1;
  const used = counted + (allowed ? c.weight : 0);
  return {
    state,
    outcome: {
      allowed,
      allowCount: c.rate,
      usedCount: Math.ceil(used - 1e-9),
      exceedCount: state.exceed,
      expiryTime: allowed || state.previous === 0 ? windowStart + c.periodMs : nextRoomAt(state, c, now),
    },
  };
}

/** When the previous period's share has decayed enough for one more message (or the next period starts). */
function nextRoomAt(state: EffectiveCountState, c: SpikeArrestConsumption, now: number): number {
  const periodEnd = state.windowStart + c.periodMs;
  const excess = state.previous + state.current + 1 - c.rate;
  if (excess <= 0) return now;
  const at = state.windowStart + Math.ceil((excess / state.previous) * c.periodMs);
  return Math.min(Math.max(at, now), periodEnd);
}
