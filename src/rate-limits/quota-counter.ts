// One Quota counter (an identifier of a policy): fixed windows (default, calendar, flexi) and a bucketed rolling window.
import { toCalendarWindow, toDefaultWindow, type QuotaWindow } from './quota-window.js';
import { addTimeUnits, toFixedDurationMs, type TimeUnit } from './time-units.js';

export type QuotaType = 'default' | 'calendar' | 'flexi' | 'rollingwindow';

/** What one message asks of its counter; every value already resolved from refs and literals. */
export interface QuotaConsumption {
  readonly type: QuotaType;
  readonly interval: number;
  readonly timeUnit: TimeUnit;
  /** Epoch ms; used by `calendar` only. */
  readonly startTime?: number;
  readonly allow: number;
  readonly weight: number;
}

/** What the policy publishes as `ratelimit.<policy>.*` (Apigee Quota flow variables). */
export interface QuotaOutcome {
  readonly allowed: boolean;
  readonly allowCount: number;
  readonly usedCount: number;
  readonly availableCount: number;
  /** Messages refused in the current window (rolling window: since the last message let through). */
  readonly exceedCount: number;
  /** Messages refused while this counter has been held. */
  readonly totalExceedCount: number;
  /** Epoch ms when the counter resets; rolling window: when the oldest counted message leaves the window. */
  readonly expiryTime: number;
}

export interface FixedWindowState {
  readonly kind: 'fixed';
  readonly type: QuotaType;
  readonly window: QuotaWindow;
  used: number;
  exceed: number;
  totalExceed: number;
  /** When the state is no different from a fresh one and may be dropped. */
  expiresAt: number;
}

export interface RollingWindowState {
  readonly kind: 'rolling';
  readonly bucketMs: number;
  /** Bucket number (time / bucketMs) held by each slot of the ring; -1 when empty. */
  readonly bucketIds: number[];
  readonly counts: number[];
  exceed: number;
  totalExceed: number;
  expiresAt: number;
}

export type QuotaState = FixedWindowState | RollingWindowState;

// A rolling window is counted in 60 buckets: memory stays fixed whatever the limit, at a precision of 1/60 of it.
const ROLLING_BUCKETS = 60;
const NOMINAL_MONTH_MS = 31 * 86_400_000;

/** Counts one message (unless it would exceed the limit) and returns the counter's new state with the outcome. */
export function consumeQuota(state: QuotaState | undefined, consumption: QuotaConsumption, now: number): { state: QuotaState; outcome: QuotaOutcome } {
  return consumption.type === 'rollingwindow' ? consumeRolling(state, consumption, now) : consumeFixed(state, consumption, now);
}

function toWindow(state: QuotaState | undefined, c: QuotaConsumption, now: number): QuotaWindow {
  switch (c.type) {
    case 'calendar':
      return toCalendarWindow(now, c.startTime ?? 0, c.interval, c.timeUnit);
    case 'flexi':
      // The first message opens the window; it lasts the interval, then the next message opens a new one.
      if (state?.kind === 'fixed' && state.type === 'flexi' && now >= state.window.start && now < state.window.end) return state.window;
      return { start: now, end: addTimeUnits(now, c.interval, c.timeUnit) };
    default:
      return toDefaultWindow(now, c.interval, c.timeUnit);
  }
}

function toOutcome(allowed: boolean, c: QuotaConsumption, used: number, state: QuotaState, expiryTime: number): QuotaOutcome {
  return {
    allowed,
    allowCount: c.allow,
    usedCount: used,
    availableCount: Math.max(0, c.allow - used),
    exceedCount: state.exceed,
    totalExceedCount: state.totalExceed,
    expiryTime,
  };
}

function consumeFixed(previous: QuotaState | undefined, c: QuotaConsumption, now: number): { state: QuotaState; outcome: QuotaOutcome } {
  const window = toWindow(previous, c, now);
  const state: FixedWindowState = previous?.kind === 'fixed' && previous.type === c.type && previous.window.start === window.start && previous.window.end === window.end
    ? previous
    : { kind: 'fixed', type: c.type, window, used: 0, exceed: 0, totalExceed: previous?.totalExceed ?? 0, expiresAt: window.end };
  const allowed = state.used + c.weight <= c.allow;
  if (allowed) state.used += c.weight;
  else {
    state.exceed += 1;
    state.totalExceed += 1;
  }
  return { state, outcome: toOutcome(allowed, c, state.used, state, window.end) };
}

function consumeRolling(previous: QuotaState | undefined, c: QuotaConsumption, now: number): { state: QuotaState; outcome: QuotaOutcome } {
  const windowMs = toFixedDurationMs(c.interval, c.timeUnit) ?? now - addTimeUnits(now, -c.interval, 'month');
  const bucketMs = Math.max(1, Math.ceil((toFixedDurationMs(c.interval, c.timeUnit) ?? c.interval * NOMINAL_MONTH_MS) / ROLLING_BUCKETS));
  const state: RollingWindowState = previous?.kind === 'rolling' && previous.bucketMs === bucketMs
    ? previous
    : { kind: 'rolling', bucketMs, bucketIds: new Array<number>(ROLLING_BUCKETS + 2).fill(-1), counts: new Array<number>(ROLLING_BUCKETS + 2).fill(0), exceed: 0, totalExceed: previous?.totalExceed ?? 0, expiresAt: now };
  const current = Math.floor(now / bucketMs);
  // A bucket counts until its end plus the window length has passed: no interval of that length ever holds more than the limit.
  const isCounted = (id: number) => id >= 0 && id <= current && (id + 1) * bucketMs + windowMs > now;
  let used = 0;
  let oldest = Infinity;
  for (let i = 0; i < state.bucketIds.length; i += 1) {
    const id = state.bucketIds[i] ?? -1;
    if (!isCounted(id)) continue;
    used += state.counts[i] ?? 0;
    oldest = Math.min(oldest, id);
  }
  const allowed = used + c.weight <= c.allow;
  if (allowed) {
    const slot = current % state.bucketIds.length;
    if (state.bucketIds[slot] !== current) {
      state.bucketIds[slot] = current;
      state.counts[slot] = 0;
    }
    state.counts[slot] = (state.counts[slot] ?? 0) + c.weight;
    used += c.weight;
    oldest = Math.min(oldest, current);
    state.exceed = 0;
    state.expiresAt = (current + 1) * bucketMs + windowMs;
  } else {
    state.exceed += 1;
    state.totalExceed += 1;
  }
  return { state, outcome: toOutcome(allowed, c, used, state, oldest === Infinity ? now : (oldest + 1) * bucketMs + windowMs) };
}
