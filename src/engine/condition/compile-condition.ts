// Compiles a parsed condition into a closure, once at load: patterns are compiled here, never per request.
import type { VariableReader } from '../variable-reader.js';
import { compileJavaRegex } from './compile-java-regex.js';
import { compilePathPattern } from './compile-path-pattern.js';
import { compileWildcard } from './compile-wildcard.js';
import type { ComparisonOperator, ConditionNode, ConditionOperand } from './condition-node.js';
import { compareAsNumbers, isConditionEqual, isConditionTruthy, isUnset, toConditionString } from './condition-values.js';
import { parseCondition } from './parse-condition.js';

/** Evaluates a condition against the flow variables of one message exchange. Never parses or compiles. */
export type CompiledCondition = (vars: VariableReader) => boolean;

type ReadOperand = (vars: VariableReader) => unknown;
type Comparator = (left: unknown, right: unknown) => boolean;

/** Throws Error for a node parseCondition would not produce (a pattern that is not a literal string). */
export function compileCondition(node: ConditionNode): CompiledCondition {
  switch (node.kind) {
    case 'or':
    case 'and':
      return compileJunction(node.kind, node.operands.map(compileCondition));
    case 'not': {
      const operand = compileCondition(node.operand);
      return (vars) => !operand(vars);
    }
    case 'truthy': {
      const read = compileOperand(node.operand);
      return (vars) => isConditionTruthy(read(vars));
    }
    case 'comparison':
      return compileComparison(node.operator, node.left, node.right);
  }
}

/** Parses and compiles; throws ConditionSyntaxError. */
export function compileConditionText(text: string): CompiledCondition {
  return compileCondition(parseCondition(text));
}

function compileJunction(kind: 'or' | 'and', parts: CompiledCondition[]): CompiledCondition {
  const [first, second] = parts;
  if (parts.length === 1 && first) return first;
  if (parts.length === 2 && first && second) {
    return kind === 'and' ? (vars) => first(vars) && second(vars) : (vars) => first(vars) || second(vars);
  }
  // `and` stops at the first false part, `or` at the first true one.
  const stopAt = kind === 'or';
  return (vars) => {
    for (const part of parts) {
      if (part(vars) === stopAt) return stopAt;
    }
    return !stopAt;
  };
}

function compileOperand(operand: ConditionOperand): ReadOperand {
  if (operand.kind === 'variable') {
    const name = operand.name;
    return (vars) => vars.getVariable(name);
  }
  const value = operand.kind === 'null' ? null : operand.value;
  return () => value;
}

function compileComparison(operator: ComparisonOperator, leftOperand: ConditionOperand, rightOperand: ConditionOperand): CompiledCondition {
  const left = compileOperand(leftOperand);
  if (operator === 'matches' || operator === 'javaRegex' || operator === 'matchesPath') {
    if (rightOperand.kind !== 'string') throw new Error(`the pattern of ${operator} must be a string literal`);
    const matcher = compilePattern(operator, rightOperand.value);
    return (vars) => {
      const value = left(vars);
      return !isUnset(value) && matcher(toConditionString(value));
    };
  }
  const right = compileOperand(rightOperand);
  const compare = toComparator(operator);
  return (vars) => compare(left(vars), right(vars));
}

function compilePattern(operator: 'matches' | 'javaRegex' | 'matchesPath', pattern: string): (value: string) => boolean {
  switch (operator) {
    case 'matches':
      return compileWildcard(pattern);
    case 'javaRegex':
      return compileJavaRegex(pattern);
    case 'matchesPath':
      return compilePathPattern(pattern);
  }
}

function toComparator(operator: Exclude<ComparisonOperator, 'matches' | 'javaRegex' | 'matchesPath'>): Comparator {
  switch (operator) {
    case 'equals':
      return (l, r) => isConditionEqual(l, r, false);
    case 'notEquals':
      return (l, r) => !isConditionEqual(l, r, false);
    case 'equalsCaseInsensitive':
      return (l, r) => isConditionEqual(l, r, true);
    case 'greaterThan':
      return (l, r) => compareAsNumbers(l, r, (a, b) => a > b);
    case 'greaterThanOrEquals':
      return (l, r) => compareAsNumbers(l, r, (a, b) => a >= b);
    case 'lesserThan':
      return (l, r) => compareAsNumbers(l, r, (a, b) => a < b);
    case 'lesserThanOrEquals':
      return (l, r) => compareAsNumbers(l, r, (a, b) => a <= b);
    case 'startsWith':
      return (l, r) => !isUnset(l) && !isUnset(r) && toConditionString(l).startsWith(toConditionString(r));
  }
}
