import { describe, expect, it } from 'vitest';
import { compileTimeFormat } from '../../../../src/engine/template/time-format.js';

const instant = Date.UTC(2009, 0, 4, 0, 7, 5, 30);

describe('compileTimeFormat', () => {
  it.each([
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2009-01-04T00:07:05.030Z'],
    ['y yy yyy yyyyy', '2009 09 2009 02009'],
    ['M MM MMM MMMM L', '1 01 Jan January 1'],
    ['d dd D DDD', '4 04 4 004'],
    ['E EEE EEEE u', 'Sun Sun Sunday 7'],
    ['H HH k h hh K a', '0 00 24 12 12 0 AM'],
    ['m mm s ss S SS SSS', '7 07 5 05 30 30 030'],
    ['G z Z X XX XXX', 'AD UTC +0000 Z Z Z'],
    ["'at' h 'o''clock'", "at 12 o'clock"],
    ["''", "'"],
    ['[yyyy/MM] - #1', '[2009/01] - #1'],
  ])('%s', (pattern, expected) => {
    expect(compileTimeFormat(pattern, 'utc')(instant)).toBe(expected);
  });

  it.each([['YYYY'], ['yyyy-ww'], ['XXXX'], ["'open"], ['Q']])('refuses %j', (pattern) => {
    expect(() => compileTimeFormat(pattern, 'utc')).toThrow(/time pattern/);
  });
});
