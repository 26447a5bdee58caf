// The fixed windows of the `default` and `calendar` Quota types: where the window holding an instant starts and ends.
import { addTimeUnits, monthsBetween, toFixedDurationMs, type TimeUnit } from './time-units.js';

export interface QuotaWindow {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive: when the counter resets (`ratelimit.<policy>.expiry.time`). */
  readonly end: number;
}

// 1970-01-05 was the first Monday after the epoch: `default` weeks end at midnight UTC between Sunday and Monday.
const FIRST_MONDAY_MS = 4 * 86_400_000;

/**
 * `default` type: windows aligned to the clock in UTC. With an interval of 1 the counter resets at the top of the
 * next minute or hour, at midnight UTC, at the end of Sunday (UTC), or at the end of the month; longer intervals are
 * whole multiples of the unit counted from the Unix epoch (weeks from a Monday, months from January 1970).
 */
export function toDefaultWindow(now: number, interval: number, unit: TimeUnit): QuotaWindow {
  const length = toFixedDurationMs(interval, unit);
  if (length === undefined) {
    const first = Math.floor(monthsBetween(0, now) / interval) * interval;
    return { start: Date.UTC(1970, first), end: Date.UTC(1970, first + interval) };
  }
  const anchor = unit === 'week' ? FIRST_MONDAY_MS : 0;
  const start = anchor + Math.floor((now - anchor) / length) * length;
  return { start, end: start + length };
}

/** `calendar` type: consecutive windows of `interval` units starting at `startTime` (and, before it, ending there). */
export function toCalendarWindow(now: number, startTime: number, interval: number, unit: TimeUnit): QuotaWindow {
  const length = toFixedDurationMs(interval, unit);
  if (length !== undefined) {
    const start = startTime + Math.floor((now - startTime) / length) * length;
    return { start, end: start + length };
  }
  // Months differ in length: estimate the window index from the calendar months between, then correct it.
  let index = Math.floor(monthsBetween(startTime, now) / interval);
  while (addTimeUnits(startTime, index * interval, 'month') > now) index -= 1;
  while (addTimeUnits(startTime, (index + 1) * interval, 'month') <= now) index += 1;
  return { start: addTimeUnits(startTime, index * interval, 'month'), end: addTimeUnits(startTime, (index + 1) * interval, 'month') };
}
