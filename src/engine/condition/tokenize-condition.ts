// Splits condition text into tokens: names, quoted strings, numbers and operator symbols.
import { ConditionSyntaxError } from './condition-syntax-error.js';

/** Operator and grouping symbols, longest first so that `==` wins over `=`. */
const symbols = ['==', '=|', '!=', ':=', '>=', '<=', '~~', '~/', '&&', '||', '=', '!', '>', '<', '~', '(', ')'] as const;

export type ConditionSymbol = (typeof symbols)[number];

/** `start`/`end` are offsets into the condition text; `raw` is the source slice, for messages. */
export type ConditionToken =
  | { readonly type: 'word'; readonly text: string; readonly start: number; readonly raw: string }
  | { readonly type: 'string'; readonly value: string; readonly start: number; readonly raw: string }
  | { readonly type: 'number'; readonly value: number; readonly start: number; readonly raw: string }
  | { readonly type: 'symbol'; readonly text: ConditionSymbol; readonly start: number; readonly raw: string }
  | { readonly type: 'end'; readonly start: number; readonly raw: '' };

// Operand names (compat §9): `request.header.skip-lookup` is one word.
const wordPattern = /[a-zA-Z_][-a-zA-Z0-9_.]*/y;
const numberPattern = /-?[0-9]+(?:\.[0-9]+)?/y;

export function tokenizeCondition(text: string): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = readString(text, i);
      tokens.push({ type: 'string', value: end.value, start: i, raw: text.slice(i, end.next) });
      i = end.next;
      continue;
    }
    const number = matchAt(numberPattern, text, i);
    if (number !== undefined) {
      tokens.push({ type: 'number', value: Number(number), start: i, raw: number });
      i += number.length;
      continue;
    }
    const word = matchAt(wordPattern, text, i);
    if (word !== undefined) {
      tokens.push({ type: 'word', text: word, start: i, raw: word });
      i += word.length;
      continue;
    }
    const symbol = symbols.find((s) => text.startsWith(s, i));
    if (symbol === undefined) {
      throw new ConditionSyntaxError(`unexpected character ${JSON.stringify(c)}`, i, text);
    }
    tokens.push({ type: 'symbol', text: symbol, start: i, raw: symbol });
    i += symbol.length;
  }
  tokens.push({ type: 'end', start: text.length, raw: '' });
  return tokens;
}

function matchAt(pattern: RegExp, text: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0];
}

/**
 * Reads a string quoted with `"` or `'` starting at `start`. `\\`, `\"` and `\'` are escapes; any other
 * backslash is kept as written so that JavaRegex patterns such as `"\d+"` reach the regex engine intact.
 */
function readString(text: string, start: number): { value: string; next: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === quote) return { value, next: i + 1 };
    if (c === '\\' && i + 1 < text.length) {
      const escaped = text[i + 1] as string;
      value += escaped === '\\' || escaped === '"' || escaped === "'" ? escaped : c + escaped;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new ConditionSyntaxError('unterminated string', start, text);
}
