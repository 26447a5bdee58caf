// The spellings of every condition operator (compat §9): symbols, and words matched case-insensitively.
import type { ComparisonOperator } from './condition-node.js';

// Maps, not object literals: keys come from user text, so no prototype lookups (reliability-security §3.4).
const comparisonSymbols: ReadonlyMap<string, ComparisonOperator> = new Map([
  ['=', 'equals'],
  ['==', 'equals'],
  ['!=', 'notEquals'],
  [':=', 'equalsCaseInsensitive'],
  ['>', 'greaterThan'],
  ['>=', 'greaterThanOrEquals'],
  ['<', 'lesserThan'],
  ['<=', 'lesserThanOrEquals'],
  ['=|', 'startsWith'],
  ['~', 'matches'],
  ['~~', 'javaRegex'],
  ['~/', 'matchesPath'],
]);

/** Keyed by the lower-cased word. */
const comparisonWords: ReadonlyMap<string, ComparisonOperator> = new Map([
  ['equals', 'equals'],
  ['is', 'equals'],
  ['notequals', 'notEquals'],
  ['isnot', 'notEquals'],
  ['equalscaseinsensitive', 'equalsCaseInsensitive'],
  ['greaterthan', 'greaterThan'],
  ['greaterthanorequals', 'greaterThanOrEquals'],
  ['lesserthan', 'lesserThan'],
  ['lesserthanorequals', 'lesserThanOrEquals'],
  ['startswith', 'startsWith'],
  ['matches', 'matches'],
  ['like', 'matches'],
  ['javaregex', 'javaRegex'],
  ['matchespath', 'matchesPath'],
  ['likepath', 'matchesPath'],
]);

export function toComparisonOperator(token: { type: string; raw: string }): ComparisonOperator | undefined {
  if (token.type === 'symbol') return comparisonSymbols.get(token.raw);
  if (token.type === 'word') return comparisonWords.get(token.raw.toLowerCase());
  return undefined;
}

export function isAndToken(token: { type: string; raw: string }): boolean {
  return (token.type === 'symbol' && token.raw === '&&') || (token.type === 'word' && token.raw.toLowerCase() === 'and');
}

export function isOrToken(token: { type: string; raw: string }): boolean {
  return (token.type === 'symbol' && token.raw === '||') || (token.type === 'word' && token.raw.toLowerCase() === 'or');
}

export function isNotToken(token: { type: string; raw: string }): boolean {
  return (token.type === 'symbol' && token.raw === '!') || (token.type === 'word' && token.raw.toLowerCase() === 'not');
}
