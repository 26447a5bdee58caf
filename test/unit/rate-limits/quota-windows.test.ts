// Where Quota windows start and end: clock-aligned (default type) and counted from StartTime (calendar type).
import { describe, expect, it } from 'vitest';
import { toCalendarWindow, toDefaultWindow } from '../../../src/rate-limits/quota-window.js';
import { addTimeUnits, parseTimeUnit } from '../../../src/rate-limits/time-units.js';

const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0, ms = 0) => Date.UTC(y, m - 1, d, h, min, s, ms);

describe('default quota windows', () => {
  it('reset at the top of the next minute, hour and day (UTC)', () => {
    const now = utc(2024, 1, 17, 10, 30, 45, 500);
    expect(toDefaultWindow(now, 1, 'minute')).toEqual({ start: utc(2024, 1, 17, 10, 30), end: utc(2024, 1, 17, 10, 31) });
    expect(toDefaultWindow(now, 1, 'hour')).toEqual({ start: utc(2024, 1, 17, 10), end: utc(2024, 1, 17, 11) });
    expect(toDefaultWindow(now, 1, 'day')).toEqual({ start: utc(2024, 1, 17), end: utc(2024, 1, 18) });
  });

  it('end a week at midnight UTC between Sunday and Monday', () => {
    // 2024-01-17 is a Wednesday.
    expect(toDefaultWindow(utc(2024, 1, 17, 9), 1, 'week')).toEqual({ start: utc(2024, 1, 15), end: utc(2024, 1, 22) });
    expect(toDefaultWindow(utc(2024, 1, 21, 23, 59, 59, 999), 1, 'week').end).toBe(utc(2024, 1, 22));
    expect(toDefaultWindow(utc(2024, 1, 22), 1, 'week').start).toBe(utc(2024, 1, 22));
  });

  it('end a month at midnight UTC after its last day', () => {
    expect(toDefaultWindow(utc(2024, 2, 10, 8), 1, 'month')).toEqual({ start: utc(2024, 2, 1), end: utc(2024, 3, 1) });
    expect(toDefaultWindow(utc(2024, 12, 31, 23), 1, 'month')).toEqual({ start: utc(2024, 12, 1), end: utc(2025, 1, 1) });
  });

  it('count longer intervals as whole multiples of the unit', () => {
    expect(toDefaultWindow(utc(2024, 1, 17, 10, 7), 5, 'minute')).toEqual({ start: utc(2024, 1, 17, 10, 5), end: utc(2024, 1, 17, 10, 10) });
    const months = toDefaultWindow(utc(2024, 5, 3), 3, 'month');
    expect(months.end - months.start).toBeGreaterThan(0);
    expect(new Date(months.start).getUTCDate()).toBe(1);
    expect(months.start).toBeLessThanOrEqual(utc(2024, 5, 3));
    expect(months.end).toBe(addTimeUnits(months.start, 3, 'month'));
  });
});

describe('calendar quota windows', () => {
  const start = utc(2024, 1, 1, 0, 0, 0);

  it('follow each other from StartTime, the boundary belonging to the new window', () => {
    expect(toCalendarWindow(utc(2024, 1, 1, 5, 59, 59, 999), start, 1, 'hour')).toEqual({ start: utc(2024, 1, 1, 5), end: utc(2024, 1, 1, 6) });
    expect(toCalendarWindow(utc(2024, 1, 1, 6), start, 1, 'hour')).toEqual({ start: utc(2024, 1, 1, 6), end: utc(2024, 1, 1, 7) });
    expect(toCalendarWindow(utc(2024, 1, 3, 12), utc(2024, 1, 1, 12), 2, 'day')).toEqual({ start: utc(2024, 1, 3, 12), end: utc(2024, 1, 5, 12) });
  });

  it('are counted backwards before StartTime', () => {
    expect(toCalendarWindow(utc(2023, 12, 31, 10), start, 1, 'day')).toEqual({ start: utc(2023, 12, 31), end: start });
  });

  it('use calendar months, keeping the day of the month and clamping it to short months', () => {
    const jan31 = utc(2024, 1, 31, 12);
    expect(toCalendarWindow(utc(2024, 2, 29, 11, 59), jan31, 1, 'month')).toEqual({ start: jan31, end: utc(2024, 2, 29, 12) });
    expect(toCalendarWindow(utc(2024, 2, 29, 12), jan31, 1, 'month')).toEqual({ start: utc(2024, 2, 29, 12), end: utc(2024, 3, 31, 12) });
    expect(toCalendarWindow(utc(2024, 7, 1), utc(2024, 1, 15), 2, 'month')).toEqual({ start: utc(2024, 5, 15), end: utc(2024, 7, 15) });
  });
});

describe('time units', () => {
  it('are read in any case, and unknown ones are refused', () => {
    expect(parseTimeUnit(' Minute ')).toBe('minute');
    expect(parseTimeUnit('second')).toBe('second');
    expect(parseTimeUnit('year')).toBeUndefined();
    expect(parseTimeUnit('toString')).toBeUndefined();
  });
});
