import { describe, expect, it } from 'vitest';
import { compileJavaRegex } from '../../../../src/engine/condition/compile-java-regex.js';
import { compileConditionText } from '../../../../src/engine/condition/compile-condition.js';
import { toRe2Pattern } from '../../../../src/engine/condition/to-re2-pattern.js';
import { toVariableReader } from './to-variable-reader.js';

describe('JavaRegex on a linear-time engine', () => {
  const attack = `${'a'.repeat(30000)}!`;

  it.each(['(a+)+$', '(a|a)*$', 'a*a*a*a*$'])('%s does not backtrack catastrophically', (pattern) => {
    const condition = compileConditionText(`request.content JavaRegex "${pattern}"`);
    expect(condition(toVariableReader({ 'request.content': attack }))).toBe(false);
    expect(condition(toVariableReader({ 'request.content': 'a'.repeat(30000) }))).toBe(true);
  });

  it('runs wildcard and path patterns on long values in linear time', () => {
    const value = `/${'a/'.repeat(20000)}!`;
    expect(compileConditionText('p MatchesPath "/**/*/**/b"')(toVariableReader({ p: value }))).toBe(false);
    expect(compileConditionText('p Matches "*a*a*a*a*b"')(toVariableReader({ p: value }))).toBe(false);
  });

  it('compares a pattern without metacharacters as literal text, whole value only', () => {
    const matches = compileJavaRegex('/json');
    expect(matches('/json')).toBe(true);
    expect(matches('/json/')).toBe(false);
    expect(matches('x/json')).toBe(false);
    expect(matches('/JSON')).toBe(false);
    expect(compileJavaRegex('a-b_c d#e')('a-b_c d#e')).toBe(true);
    // One metacharacter is enough to make it a regex again.
    expect(compileJavaRegex('/js.n')('/jsXn')).toBe(true);
    expect(compileJavaRegex('a\\.b')('a.b')).toBe(true);
  });

  it('matches the whole value only', () => {
    const matches = compileJavaRegex('/c*t');
    expect(matches('/cat')).toBe(false);
    expect(matches('/ccct')).toBe(true);
    expect(matches('x/ct')).toBe(false);
  });
});

describe('Java regex translation', () => {
  it.each([
    ['\\u0041\\x41', '\\x{0041}\\x41'],
    ['a\\Z', 'a\\z'],
    ['\\e\\cA', '\\x{1B}\\x{1}'],
    ['\\0101', '\\x{41}'],
    ['\\Qa.b\\E+', '\\x{61}\\x{2e}\\x{62}+'],
    ['\\Qa.*', '\\x{61}\\x{2e}\\x{2a}'],
    ['\\p{Alpha}[\\p{Digit}_]\\P{Lower}[\\P{Upper}]', '[[:alpha:]][[:digit:]_][[:^lower:]][[:^upper:]]'],
    ['\\p{IsLatin}\\p{L}\\pL\\p{javaLowerCase}', '\\p{Latin}\\p{L}\\p{L}\\p{Ll}'],
    ['(?i)a(?iu:b)(?u)c(?U)(?-s)', '(?i)a(?i:b)c(?-s)'],
    ['(?<year>[0-9]{4})', '(?P<year>[0-9]{4})'],
    ['a*?b+?c{1,2}?', 'a*?b+?c{1,2}?'],
    ['[]a]', '[]a]'],
    ['[^]a]\\[', '[^]a]\\['],
    ['\\d+\\.\\w*\\s', '\\d+\\.\\w*\\s'],
  ])('%s → %s', (java, re2) => {
    expect(toRe2Pattern(java)).toBe(re2);
  });

  it.each([
    ['\\h', ' ', true],
    ['\\h', '\n', false],
    ['\\v', '\n', true],
    ['\\v', ' ', false],
    ['[\\h\\d]+', '1 2', true],
    ['\\H', 'a', true],
    ['\\R', '\r\n', true],
    ['\\p{Punct}+', '!?.', true],
    ['(?i)ABC', 'abc', true],
    ['\\Q(?=x)\\E', '(?=x)', true],
  ])('%s on %j is %s', (pattern, value, expected) => {
    expect(compileJavaRegex(pattern)(value)).toBe(expected);
  });
});
