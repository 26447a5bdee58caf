import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { readBooleanParam, readIntegerParam, readParams } from '../../../src/admin/read-params.js';
import { AdminError } from '../../../src/errors.js';

function fakeRequest(query: unknown, body: unknown, contentType?: string): FastifyRequest {
  return { query, body, headers: contentType ? { 'content-type': contentType } : {} } as unknown as FastifyRequest;
}

describe('readParams', () => {
  it('merges the form body under the query string, without a prototype', () => {
    const params = readParams(fakeRequest({ a: 'q', list: ['first', 'second'] }, { a: 'f', b: 'f' }, 'application/x-www-form-urlencoded; charset=utf-8'));
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect({ ...params }).toEqual({ a: 'q', b: 'f', list: 'first' });
  });

  it('ignores bodies of other types', () => {
    expect({ ...readParams(fakeRequest({}, { a: 'json' }, 'application/json')) }).toEqual({});
    expect({ ...readParams(fakeRequest(undefined, Buffer.from('a=1'), undefined)) }).toEqual({});
  });
});

describe('readBooleanParam', () => {
  it.each([['true', true], ['TRUE', true], ['False', false], [undefined, 'fallback']])('%s', (value, expected) => {
    const params: Record<string, string> = value === undefined ? {} : { flag: value };
    expect(readBooleanParam(params, 'flag', true)).toBe(expected === 'fallback' ? true : expected);
  });

  it.each(['yes', '1', '', ' true'])('rejects %j naming the field', (value) => {
    expect(() => readBooleanParam({ override: value }, 'override', false)).toThrow(AdminError);
    expect(() => readBooleanParam({ override: value }, 'override', false)).toThrow(/override/);
  });
});

describe('readIntegerParam', () => {
  it.each([['0', 0], ['60', 60], ['-5', -5], ['+7', 7], [' 8 ', 8]])('%j → %d', (value, expected) => {
    expect(readIntegerParam({ delay: value }, 'delay', 3)).toBe(expected);
  });

  it('falls back when absent', () => {
    expect(readIntegerParam({}, 'delay', 3)).toBe(3);
  });

  it.each(['', 'abc', '1.5', '1e3', '0x10', '9007199254740993'])('rejects %j naming the field', (value) => {
    expect(() => readIntegerParam({ delay: value }, 'delay', 0)).toThrow(/delay/);
  });
});
