// How condition operators see flow-variable values: null for unset, strings, and numbers when both sides are numeric.

/**
 * Variables may hold strings, numbers, booleans, null/undefined or objects (arrays, messages). Text
 * operators use `String(value)` (an array reads as `a,b`); an object that cannot be converted (a
 * null-prototype object) reads as `[object Object]` rather than throwing on the request path.
 */
export function toConditionString(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function isUnset(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

// Unambiguous, so V8 cannot backtrack more than linearly on a long digit string.
const decimalPattern = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;

/** The numeric value of a number or of a string holding a decimal number; `undefined` otherwise. */
export function toConditionNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return decimalPattern.test(text) ? Number(text) : undefined;
}

/**
 * `=` and `:=`. Unset equals only unset (`x = null`). When either side is a number and both parse as
 * numbers the comparison is numeric (`"200" = 200`); against a boolean, text is compared ignoring case
 * (`x = true` matches `"true"`); otherwise strings are compared.
 */
export function isConditionEqual(left: unknown, right: unknown, ignoreCase: boolean): boolean {
  if (isUnset(left) || isUnset(right)) return isUnset(left) && isUnset(right);
  if (typeof left === 'number' || typeof right === 'number') {
    const l = toConditionNumber(left);
    const r = toConditionNumber(right);
    if (l !== undefined && r !== undefined) return l === r;
  }
  const l = toConditionString(left);
  const r = toConditionString(right);
  if (ignoreCase || typeof left === 'boolean' || typeof right === 'boolean') return l.toLowerCase() === r.toLowerCase();
  return l === r;
}

/** `>`-family operands: both must parse as numbers, otherwise the comparison is false. */
export function compareAsNumbers(left: unknown, right: unknown, test: (l: number, r: number) => boolean): boolean {
  const l = toConditionNumber(left);
  const r = toConditionNumber(right);
  return l !== undefined && r !== undefined && test(l, r);
}

/** A bare operand: false for unset, `false`, `""` and `"false"` (any case); true for anything else. */
export function isConditionTruthy(value: unknown): boolean {
  if (isUnset(value) || value === false) return false;
  const text = toConditionString(value);
  return text !== '' && text.toLowerCase() !== 'false';
}
