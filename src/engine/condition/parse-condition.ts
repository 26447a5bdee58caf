// Parses Apigee condition text (compat §9) into a ConditionNode, once at load; reports errors with positions.
import { compileJavaRegex } from './compile-java-regex.js';
import type { ComparisonOperator, ConditionNode, ConditionOperand } from './condition-node.js';
import { patternOperators } from './condition-node.js';
import { isAndToken, isNotToken, isOrToken, toComparisonOperator } from './condition-operators.js';
import { ConditionSyntaxError } from './condition-syntax-error.js';
import { tokenizeCondition, type ConditionToken } from './tokenize-condition.js';

export type { ComparisonOperator, ConditionNode, ConditionOperand } from './condition-node.js';
export { ConditionSyntaxError } from './condition-syntax-error.js';

/** Longest condition text accepted. */
export const conditionLengthLimitChars = 4096;
/** Deepest nesting of parentheses and `not` accepted; bounds the recursion of parser and compiler. */
export const conditionDepthLimit = 32;

/**
 * Grammar, loosest first (`not` > `and` > `or`):
 *   or         := and (("or" | "||") and)*
 *   and        := unary (("and" | "&&") unary)*
 *   unary      := ("not" | "!") unary | "(" or ")" | comparison
 *   comparison := operand [ ["not" | "!"] operator operand ]
 * Operator words are case-insensitive. Throws ConditionSyntaxError.
 */
export function parseCondition(text: string): ConditionNode {
  if (text.length > conditionLengthLimitChars) {
    throw new ConditionSyntaxError(`condition exceeds the limit of ${conditionLengthLimitChars} characters`, conditionLengthLimitChars, text);
  }
  return new ConditionParser(text).parse();
}

/** Every variable name the condition reads, deduplicated, in order of first appearance. */
export function conditionVariables(node: ConditionNode): string[] {
  const names = new Set<string>();
  const visit = (n: ConditionNode): void => {
    switch (n.kind) {
      case 'or':
      case 'and':
        n.operands.forEach(visit);
        return;
      case 'not':
        visit(n.operand);
        return;
      case 'comparison':
        if (n.left.kind === 'variable') names.add(n.left.name);
        if (n.right.kind === 'variable') names.add(n.right.name);
        return;
      case 'truthy':
        if (n.operand.kind === 'variable') names.add(n.operand.name);
        return;
    }
  };
  visit(node);
  return [...names];
}

class ConditionParser {
  private readonly tokens: ConditionToken[];
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenizeCondition(text);
  }

  parse(): ConditionNode {
    if (this.peek().type === 'end') throw this.error('empty condition', this.peek());
    const node = this.parseOr();
    const next = this.peek();
    if (next.type !== 'end') throw this.unexpected(next);
    return node;
  }

  private parseOr(): ConditionNode {
    const operands = [this.parseAnd()];
    while (isOrToken(this.peek())) {
      this.index++;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { kind: 'or', operands };
  }

  private parseAnd(): ConditionNode {
    const operands = [this.parseUnary()];
    while (isAndToken(this.peek())) {
      this.index++;
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? (operands[0] as ConditionNode) : { kind: 'and', operands };
  }

  private parseUnary(): ConditionNode {
    const token = this.peek();
    if (isNotToken(token)) {
      this.index++;
      return { kind: 'not', operand: this.nested(token, () => this.parseUnary()) };
    }
    if (token.type === 'symbol' && token.text === '(') {
      this.index++;
      const inner = this.nested(token, () => this.parseOr());
      const close = this.peek();
      if (close.type === 'end') throw this.error('missing ")" to close "("', token);
      if (!(close.type === 'symbol' && close.text === ')')) throw this.unexpected(close);
      this.index++;
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): ConditionNode {
    const left = this.parseOperand();
    let token = this.peek();
    let negated = false;
    if (isNotToken(token)) {
      if (toComparisonOperator(this.peek(1)) === undefined) {
        throw this.error(`expected an operator after ${quote(token.raw)}`, this.peek(1));
      }
      negated = true;
      this.index++;
      token = this.peek();
    }
    const operator = toComparisonOperator(token);
    if (operator === undefined) {
      if (token.type === 'word' && !isAndToken(token) && !isOrToken(token)) {
        throw this.error(`unknown operator ${quote(token.raw)}`, token);
      }
      return { kind: 'truthy', operand: left };
    }
    this.index++;
    const rightToken = this.peek();
    const right = this.checkRightOperand(operator, token, this.parseOperand(), rightToken);
    const comparison: ConditionNode = { kind: 'comparison', operator, left, right };
    return negated ? { kind: 'not', operand: comparison } : comparison;
  }

  /** Patterns are compiled at load, so they must be literals; a number pattern keeps its text (`1.50`). */
  private checkRightOperand(operator: ComparisonOperator, operatorToken: ConditionToken, right: ConditionOperand, at: ConditionToken): ConditionOperand {
    if (!patternOperators.has(operator)) return right;
    if (right.kind !== 'string' && right.kind !== 'number') {
      throw this.error(`the pattern after ${quote(operatorToken.raw)} must be a quoted string`, at);
    }
    const pattern = right.kind === 'string' ? right.value : at.raw;
    if (operator === 'javaRegex') {
      try {
        compileJavaRegex(pattern);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new ConditionSyntaxError(`invalid JavaRegex pattern ${JSON.stringify(pattern)}: ${reason}`, at.start, this.text, { cause: err });
      }
    }
    return { kind: 'string', value: pattern };
  }

  private parseOperand(): ConditionOperand {
    const token = this.peek();
    switch (token.type) {
      case 'string':
        this.index++;
        return { kind: 'string', value: token.value };
      case 'number':
        this.index++;
        return { kind: 'number', value: token.value };
      case 'word': {
        const lower = token.text.toLowerCase();
        if (isAndToken(token) || isOrToken(token) || isNotToken(token)) throw this.unexpected(token);
        this.index++;
        if (lower === 'null') return { kind: 'null' };
        if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true' };
        return { kind: 'variable', name: token.text };
      }
      default:
        throw this.unexpected(token);
    }
  }

  private nested<T>(at: ConditionToken, parse: () => T): T {
    if (++this.depth > conditionDepthLimit) {
      throw this.error(`condition nests deeper than ${conditionDepthLimit} levels`, at);
    }
    const result = parse();
    this.depth--;
    return result;
  }

  private peek(ahead = 0): ConditionToken {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as ConditionToken;
  }

  private unexpected(token: ConditionToken): ConditionSyntaxError {
    if (token.type === 'end') return this.error('unexpected end of condition', token);
    return this.error(`unexpected token ${quote(token.raw)}`, token);
  }

  private error(detail: string, token: ConditionToken): ConditionSyntaxError {
    return new ConditionSyntaxError(detail, token.start, this.text);
  }
}

function quote(raw: string): string {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return shown.startsWith('"') || shown.startsWith("'") ? shown : `"${shown}"`;
}
