import { describe, expect, it } from 'vitest';
import { compileExtractPattern } from '../../../../src/policies/extract-variables/compile-extract-pattern.js';

const text = (pattern: string, ignoreCase = false) => compileExtractPattern(pattern, { ignoreCase, segmentVariables: false });
const path = (pattern: string, ignoreCase = false) => compileExtractPattern(pattern, { ignoreCase, segmentVariables: true });

describe('compileExtractPattern', () => {
  it('extracts variables around literal text', () => {
    expect(text('{code}').match('abc')).toEqual(['abc']);
    expect(text('DBN{dbncode}').match('DBN88439')).toEqual(['88439']);
    expect(text('DBN{dbncode}').match('XBN88439')).toBeUndefined();
    expect(text('Bearer {token}').match('Bearer a b c')).toEqual(['a b c']);
    expect(text('{a}-{b}').match('x-y-z')).toEqual(['x', 'y-z']);
  });

  it('matches the whole input, path variables within one segment', () => {
    expect(path('/{zip}').match('/94043')).toEqual(['94043']);
    expect(path('/{zip}').match('/94043/extra')).toBeUndefined();
    expect(path('/a/{id}/b').match('/a/42/b')).toEqual(['42']);
    expect(path('/a/{id}/b').match('/a/4/2/b')).toBeUndefined();
    expect(text('/a/{id}/b').match('/a/4/2/b')).toEqual(['4/2']);
  });

  it('gives a pattern that is one variable the whole input (without a `/` for a path variable)', () => {
    expect(text('{all}').match('')).toEqual(['']);
    expect(text('{all}').match('a/b\nc')).toEqual(['a/b\nc']);
    expect(text('{all}', true).match('MiXeD')).toEqual(['MiXeD']);
    expect(path('{seg}').match('one-segment')).toEqual(['one-segment']);
    expect(path('{seg}').match('two/segments')).toBeUndefined();
    expect(path('{seg}').match('')).toEqual(['']);
  });

  it('compares literal text case-insensitively only with ignoreCase', () => {
    expect(path('/Accounts/{id}').match('/accounts/7')).toBeUndefined();
    expect(path('/Accounts/{id}', true).match('/accounts/7')).toEqual(['7']);
  });

  it('treats regex characters in literal text as literals', () => {
    expect(text('a.b*{x}(c)').match('a.b*1(c)')).toEqual(['1']);
    expect(text('a.b*{x}(c)').match('aXbb1(c)')).toBeUndefined();
    expect(text('no variables').match('no variables')).toEqual([]);
  });

  it('stays linear on adversarial input', () => {
    const matcher = text('{a}x{b}x{c}x{d}y');
    expect(matcher.match('x'.repeat(50_000))).toBeUndefined();
  });

  it('refuses malformed patterns', () => {
    expect(() => text('/{zip')).toThrow(/never closed/);
    expect(() => text('{a}{b}')).toThrow(/literal text between/);
    expect(() => text('{a b}')).toThrow(/not a valid variable name/);
    expect(() => text('{a}-{a}')).toThrow(/appears twice/);
  });
});
