// Quota time units (compat §8): their names, and adding N of them to an instant in UTC (months are calendar months).

export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month';

const FIXED_UNIT_MS: Readonly<Record<Exclude<TimeUnit, 'month'>, number>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** A time unit name in any case (`minute`, `Hour`), or undefined. */
export function parseTimeUnit(text: string): TimeUnit | undefined {
  const unit = text.trim().toLowerCase();
  return unit === 'month' || Object.hasOwn(FIXED_UNIT_MS, unit) ? (unit as TimeUnit) : undefined;
}

/** Milliseconds in `count` units, or undefined for months (their length varies). */
export function toFixedDurationMs(count: number, unit: TimeUnit): number | undefined {
  return unit === 'month' ? undefined : count * FIXED_UNIT_MS[unit];
}

/** `time` plus `count` units. A month keeps the day of the month, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addTimeUnits(time: number, count: number, unit: TimeUnit): number {
  const fixed = toFixedDurationMs(count, unit);
  if (fixed !== undefined) return time + fixed;
  return addMonths(time, count);
}

function addMonths(time: number, count: number): number {
  const date = new Date(time);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + count;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

/** Whole calendar months from `from` to `to` as counted by their year and month only. */
export function monthsBetween(from: number, to: number): number {
  const a = new Date(from);
  const b = new Date(to);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
}
