import { RE2JS } from 're2js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileCondition, compileConditionText } from '../../../../src/engine/condition/compile-condition.js';
import { conditionVariables, parseCondition, type ConditionNode } from '../../../../src/engine/condition/parse-condition.js';
import { toVariableReader } from './to-variable-reader.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('parseCondition', () => {
  it('builds and/or/not with not > and > or', () => {
    expect(parseCondition('not a and b or c')).toEqual({
      kind: 'or',
      operands: [
        {
          kind: 'and',
          operands: [
            { kind: 'not', operand: { kind: 'truthy', operand: { kind: 'variable', name: 'a' } } },
            { kind: 'truthy', operand: { kind: 'variable', name: 'b' } },
          ],
        },
        { kind: 'truthy', operand: { kind: 'variable', name: 'c' } },
      ],
    } satisfies ConditionNode);
  });

  it('parses literals and infix negation', () => {
    expect(parseCondition('x NOT Matches 1.50')).toEqual({
      kind: 'not',
      operand: { kind: 'comparison', operator: 'matches', left: { kind: 'variable', name: 'x' }, right: { kind: 'string', value: '1.50' } },
    });
    expect(parseCondition('x IsNot NULL')).toMatchObject({ operator: 'notEquals', right: { kind: 'null' } });
    expect(parseCondition('x = TRUE')).toMatchObject({ operator: 'equals', right: { kind: 'boolean', value: true } });
    expect(parseCondition('x < -2.5')).toMatchObject({ operator: 'lesserThan', right: { kind: 'number', value: -2.5 } });
    expect(parseCondition('x =| y')).toMatchObject({ operator: 'startsWith', right: { kind: 'variable', name: 'y' } });
  });

  it('produces a fresh plain-data tree, untouched by prototype keys', () => {
    const node = parseCondition('__proto__ = constructor and toString');
    expect(conditionVariables(node)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(compileCondition(node)(toVariableReader({}))).toBe(false);
    expect(compileConditionText('x Is __proto__')(toVariableReader({}))).toBe(true);
  });
});

describe('conditionVariables', () => {
  it('lists every variable read, once, in order', () => {
    const node = parseCondition('(request.verb = "GET" and proxy.pathsuffix MatchesPath "/a") or !(x = request.verb) or valid or "lit" = null');
    expect(conditionVariables(node)).toEqual(['request.verb', 'proxy.pathsuffix', 'x', 'valid']);
  });

  it('is empty for a condition of literals', () => {
    expect(conditionVariables(parseCondition('true'))).toEqual([]);
  });
});

describe('compileCondition', () => {
  it('compiles patterns once, not per evaluation', () => {
    const compile = vi.spyOn(RE2JS, 'compile');
    const condition = compileConditionText('a JavaRegex "[0-9]+" and b MatchesPath "/x/*" and c Matches "*z"');
    const compilesAtLoad = compile.mock.calls.length;
    expect(compilesAtLoad).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) {
      expect(condition(toVariableReader({ a: String(i), b: '/x/y', c: 'zz' }))).toBe(true);
    }
    expect(compile.mock.calls.length).toBe(compilesAtLoad);
  });

  it('reads each variable through the VariableReader only', () => {
    const reads: string[] = [];
    const condition = compileConditionText('a = "1" and b = c');
    condition({ getVariable: (name) => (reads.push(name), '1') });
    expect(reads).toEqual(['a', 'b', 'c']);
  });

  it('short-circuits and/or', () => {
    const reads: string[] = [];
    const reader = { getVariable: (name: string): unknown => (reads.push(name), undefined) };
    compileConditionText('a and b and c')(reader);
    compileConditionText('not d or e')(reader);
    expect(reads).toEqual(['a', 'd']);
  });

  it('rejects a hand-built pattern that is not a literal', () => {
    const node: ConditionNode = {
      kind: 'comparison',
      operator: 'javaRegex',
      left: { kind: 'variable', name: 'a' },
      right: { kind: 'variable', name: 'b' },
    };
    expect(() => compileCondition(node)).toThrow(/must be a string literal/);
  });
});
