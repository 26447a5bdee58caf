// Java SimpleDateFormat-style patterns (a documented subset) and the timeFormat… template functions built on them.

import { compileArgument, readText, type TemplateFunction } from './template-function.js';

/** Local time is the process's time zone (the TZ environment variable); UTC is UTC. */
export type TimeZoneMode = 'local' | 'utc';

interface DateFields {
  year: number;
  month: number;
  day: number;
  weekday: number;
  dayOfYear: number;
  hours: number;
  minutes: number;
  seconds: number;
  milliseconds: number;
  /** Minutes east of UTC. */
  offsetMinutes: number;
}

type Piece = string | ((fields: DateFields) => string);

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Compiles a pattern. Letters supported (Java meaning, English names):
 * G era · y year (yy two digits) · M/L month (MMM short name, MMMM full name) · d day · D day of year ·
 * E weekday (EEEE full name) · u weekday number (1 = Monday) · a AM/PM · H 0-23 · k 1-24 · K 0-11 · h 1-12 ·
 * m minute · s second · S milliseconds · z zone name (UTC, or GMT±hh:mm) · Z ±hhmm · X/XX/XXX ISO offset (Z for UTC).
 * Text in single quotes is literal (`''` is a quote); other non-letters are literal.
 * @throws Error for any other letter or an unclosed quote.
 */
export function compileTimeFormat(pattern: string, zone: TimeZoneMode): (epochMs: number) => string {
  const pieces = toPieces(pattern);
  return (epochMs) => {
    const fields = toFields(new Date(epochMs), zone);
    let out = '';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : piece(fields);
    return out;
  };
}

function toPieces(pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === "'") {
      if (pattern[i + 1] === "'") {
        pieces.push("'");
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (; j < pattern.length; j++) {
        if (pattern[j] !== "'") text += pattern[j];
        else if (pattern[j + 1] === "'") text += pattern[j++];
        else break;
      }
      if (j >= pattern.length) throw new Error(`unclosed quote in time pattern "${pattern}"`);
      pieces.push(text);
      i = j + 1;
    } else if (/[A-Za-z]/.test(char)) {
      let count = 1;
      while (pattern[i + count] === char) count++;
      pieces.push(toField(char, count, pattern));
      i += count;
    } else {
      pieces.push(char);
      i++;
    }
  }
  return pieces;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatOffset(offsetMinutes: number, separator: string, withMinutes: boolean): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = pad(Math.floor(absolute / 60), 2);
  return withMinutes ? `${sign}${hours}${separator}${pad(absolute % 60, 2)}` : `${sign}${hours}`;
}

function toField(letter: string, count: number, pattern: string): Piece {
  switch (letter) {
    case 'G':
      return (f) => (f.year > 0 ? 'AD' : 'BC');
    case 'y':
      return count === 2 ? (f) => pad(f.year % 100, 2) : (f) => pad(f.year, count);
    case 'M':
    case 'L':
      if (count >= 4) return (f) => MONTHS[f.month]!;
      if (count === 3) return (f) => MONTHS[f.month]!.slice(0, 3);
      return (f) => pad(f.month + 1, count);
    case 'd':
      return (f) => pad(f.day, count);
    case 'D':
      return (f) => pad(f.dayOfYear, count);
    case 'E':
      return count >= 4 ? (f) => WEEKDAYS[f.weekday]! : (f) => WEEKDAYS[f.weekday]!.slice(0, 3);
    case 'u':
      return (f) => pad(f.weekday === 0 ? 7 : f.weekday, count);
    case 'a':
      return (f) => (f.hours < 12 ? 'AM' : 'PM');
    case 'H':
      return (f) => pad(f.hours, count);
    case 'k':
      return (f) => pad(f.hours === 0 ? 24 : f.hours, count);
    case 'K':
      return (f) => pad(f.hours % 12, count);
    case 'h':
      return (f) => pad(f.hours % 12 === 0 ? 12 : f.hours % 12, count);
    case 'm':
      return (f) => pad(f.minutes, count);
    case 's':
      return (f) => pad(f.seconds, count);
    case 'S':
      return (f) => pad(f.milliseconds, count);
    case 'z':
      return (f) => (f.offsetMinutes === 0 ? 'UTC' : `GMT${formatOffset(f.offsetMinutes, ':', true)}`);
    case 'Z':
      return (f) => formatOffset(f.offsetMinutes, '', true);
    case 'X':
      if (count > 3) break;
      return (f) => (f.offsetMinutes === 0 ? 'Z' : formatOffset(f.offsetMinutes, count === 3 ? ':' : '', count > 1));
  }
  throw new Error(`unsupported letter "${letter.repeat(count)}" in time pattern "${pattern}"`);
}

function toFields(date: Date, zone: TimeZoneMode): DateFields {
  const utc = zone === 'utc';
  const year = utc ? date.getUTCFullYear() : date.getFullYear();
  const month = utc ? date.getUTCMonth() : date.getMonth();
  const day = utc ? date.getUTCDate() : date.getDate();
  return {
    year,
    month,
    day,
    weekday: utc ? date.getUTCDay() : date.getDay(),
    dayOfYear: Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1,
    hours: utc ? date.getUTCHours() : date.getHours(),
    minutes: utc ? date.getUTCMinutes() : date.getMinutes(),
    seconds: utc ? date.getUTCSeconds() : date.getSeconds(),
    milliseconds: utc ? date.getUTCMilliseconds() : date.getMilliseconds(),
    offsetMinutes: utc ? 0 : -date.getTimezoneOffset(),
  };
}

/** `timeFormat(pattern, epochSeconds)` and its Ms/UTC variants; a time that is not a number gives "". */
function timeFormatFunction(zone: TimeZoneMode, unitMs: number): TemplateFunction {
  return {
    minArgs: 2,
    maxArgs: 2,
    compile: ([patternArg, timeArg]) => {
      const format = compileArgument(patternArg!, (pattern) => compileTimeFormat(pattern, zone));
      return (vars) => {
        const formatTime = format(vars);
        const text = readText(timeArg!, vars)?.trim();
        if (formatTime === undefined || text === undefined || text === '') return undefined;
        const epochMs = Number(text) * unitMs;
        if (!Number.isFinite(epochMs) || Number.isNaN(new Date(epochMs).getTime())) return undefined;
        return formatTime(epochMs);
      };
    },
  };
}

export const timeFunctions: Readonly<Record<string, TemplateFunction>> = {
  timeFormat: timeFormatFunction('local', 1000),
  timeFormatMs: timeFormatFunction('local', 1),
  timeFormatUTC: timeFormatFunction('utc', 1000),
  timeFormatUTCMs: timeFormatFunction('utc', 1),
};
