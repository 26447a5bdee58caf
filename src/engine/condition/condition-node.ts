// The parsed form of a condition (an AST of plain data): what the parser produces and the compiler consumes.

/** A comparison operator, named after its Apigee word form (compat §9). */
export type ComparisonOperator =
  | 'equals'
  | 'notEquals'
  | 'equalsCaseInsensitive'
  | 'greaterThan'
  | 'greaterThanOrEquals'
  | 'lesserThan'
  | 'lesserThanOrEquals'
  | 'startsWith'
  | 'matches'
  | 'javaRegex'
  | 'matchesPath';

/** Either side of a comparison, or the subject of a truthy test. */
export type ConditionOperand =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

export type ConditionNode =
  | { readonly kind: 'or'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'and'; readonly operands: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly operand: ConditionNode }
  | {
      readonly kind: 'comparison';
      readonly operator: ComparisonOperator;
      readonly left: ConditionOperand;
      readonly right: ConditionOperand;
    }
  /** A bare operand (`valid`, `!valid`): false for unset, null, `""`, `"false"` and `false`. */
  | { readonly kind: 'truthy'; readonly operand: ConditionOperand };

/** Operators whose right-hand side is a pattern compiled once at load: it must be a literal. */
export const patternOperators: ReadonlySet<ComparisonOperator> = new Set(['matches', 'javaRegex', 'matchesPath']);
