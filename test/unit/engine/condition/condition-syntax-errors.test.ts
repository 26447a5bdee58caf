import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, parseCondition } from '../../../../src/engine/condition/parse-condition.js';

type Row = readonly [condition: string, message: string, position: number];

const rows: readonly Row[] = [
  ['(a = "x"', 'missing ")" to close "(" at position 0 in condition: (a = "x"', 0],
  ['(a = "x") and (b = "y"))', 'unexpected token ")" at position 23 in condition: (a = "x") and (b = "y"))', 23],
  [')', 'unexpected token ")" at position 0', 0],
  ['()', 'unexpected token ")" at position 1', 1],
  ['a = "x" and', 'unexpected end of condition at position 11', 11],
  ['a = "x" or or b', 'unexpected token "or" at position 11', 11],
  ['a =', 'unexpected end of condition at position 3', 3],
  ['= "x"', 'unexpected token "=" at position 0', 0],
  ['a = = "x"', 'unexpected token "=" at position 4', 4],
  ['a = "x" b', 'unexpected token "b" at position 8', 8],
  ['not', 'unexpected end of condition at position 3', 3],
  ['a NOT', 'expected an operator after "NOT" at position 5', 5],
  ['a not b', 'expected an operator after "not" at position 6', 6],
  ['a = "unterminated', 'unterminated string at position 4', 4],
  ["a = 'unterminated", 'unterminated string at position 4', 4],
  ['a = "x\\"', 'unterminated string at position 4', 4],
  ['a Contains "x"', 'unknown operator "Contains" at position 2', 2],
  ['a <> "x"', 'unexpected token ">" at position 3', 3],
  ['a === "x"', 'unexpected token "=" at position 4', 4],
  ['a # "x"', 'unexpected character "#" at position 2', 2],
  ['a & b', 'unexpected character "&" at position 2', 2],
  ['a | b', 'unexpected character "|" at position 2', 2],
  ['', 'empty condition at position 0', 0],
  ['   \n ', 'empty condition at position 5', 5],
  ['a Matches b', 'the pattern after "Matches" must be a quoted string at position 10', 10],
  ['a MatchesPath null', 'the pattern after "MatchesPath" must be a quoted string at position 14', 14],
  ['a ~~ "(a"', 'invalid JavaRegex pattern "(a": missing closing ): `(a` at position 5', 5],
  ['a JavaRegex "[a-"', 'invalid JavaRegex pattern "[a-": missing closing ]: `[a-` at position 12', 12],
  ['a JavaRegex "(a)\\1"', 'invalid JavaRegex pattern "(a)\\\\1": backreferences are not supported at position 12', 12],
  ['a ~~ "(?<n>a)\\k<n>"', 'backreferences are not supported', 5],
  ['a ~~ "(?=a)a"', 'invalid JavaRegex pattern "(?=a)a": lookahead and lookbehind are not supported at position 5', 5],
  ['a ~~ "(?<!a)b"', 'lookahead and lookbehind are not supported', 5],
  ['a ~~ "(?>a+)b"', 'atomic groups are not supported', 5],
  ['a ~~ "a++"', 'possessive quantifiers are not supported', 5],
  ['a ~~ "a{2,3}+"', 'possessive quantifiers are not supported', 5],
  ['a ~~ "[a-z&&[^e]]"', 'character class intersection (&&) is not supported', 5],
  ['a ~~ "[a-z[0-9]]"', 'nested character classes are not supported', 5],
  ['a ~~ "(?x) a"', 'the comments flag (?x) is not supported', 5],
  ['a ~~ "\\p{InGreek}"', 'invalid JavaRegex pattern', 5],
];

describe('condition syntax errors', () => {
  it.each(rows)('%j', (condition, message, position) => {
    let caught: unknown;
    try {
      parseCondition(condition);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConditionSyntaxError);
    const error = caught as ConditionSyntaxError;
    expect(error.message).toContain(message);
    expect(error.message).toContain(' in condition: ');
    expect(error.position).toBe(position);
    expect(error.name).toBe('ConditionSyntaxError');
  });

  it('rejects text longer than 4096 characters', () => {
    const text = `a = "${'x'.repeat(4100)}"`;
    expect(() => parseCondition(text)).toThrow(/condition exceeds the limit of 4096 characters at position 4096/);
  });

  it('accepts text of 4096 characters', () => {
    const text = `a = "${'x'.repeat(4096 - 6)}"`;
    expect(text).toHaveLength(4096);
    expect(parseCondition(text)).toMatchObject({ kind: 'comparison' });
  });

  it('rejects parentheses nested deeper than 32 levels', () => {
    expect(() => parseCondition(`${'('.repeat(32)}a${')'.repeat(32)}`)).not.toThrow();
    expect(() => parseCondition(`${'('.repeat(33)}a${')'.repeat(33)}`)).toThrow(/condition nests deeper than 32 levels at position 32/);
  });

  it('counts not towards the nesting limit', () => {
    expect(() => parseCondition(`${'!'.repeat(2000)}a`)).toThrow(/nests deeper than 32 levels/);
    expect(() => parseCondition(`${'not ('.repeat(20)}a${')'.repeat(20)}`)).toThrow(/nests deeper than 32 levels/);
  });

  it('keeps the message on one line and shortens long conditions', () => {
    const text = `a = "x" and\n${'b = "y" and '.repeat(30)}`;
    const error = (() => {
      try {
        parseCondition(text);
      } catch (err) {
        return err as ConditionSyntaxError;
      }
      throw new Error('expected a syntax error');
    })();
    expect(error.message).not.toContain('\n');
    expect(error.message.endsWith('…')).toBe(true);
    expect(error.position).toBe(text.length);
  });
});
