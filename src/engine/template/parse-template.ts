// Splits message-template text into literal text and references (variables and function calls).

/** An argument or reference inside a template. Literals keep their text; numbers are literals too. */
export type TemplateExpression =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly TemplateExpression[] };

/** What a reference can be: a variable or a function call. */
export type TemplateReference = Extract<TemplateExpression, { kind: 'variable' | 'call' }>;

/** Literal text, or a reference to substitute. Adjacent literal text is merged. */
export type TemplatePart = string | TemplateReference;

/** Functions whose first argument is a raw path, written unquoted as in Apigee: `{jsonPath($.a.b,var)}`. */
const RAW_FIRST_ARGUMENT = new Set(['jsonPath', 'xPath']);

const VARIABLE_NAME = /[a-zA-Z_][-a-zA-Z0-9_.]*/y;
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NUMBER = /-?\d+(?:\.\d+)?/y;
/** Deeper nesting is left as literal text rather than risk the parser's stack. */
const MAX_CALL_DEPTH = 16;

interface Parsed<T> {
  readonly value: T;
  readonly end: number;
}

/**
 * Text between `prefix` and `suffix` is a reference only when it is a whole variable name or function call;
 * anything else (`{ "status" : "ok" }`, `{"a":1}`) stays literal, and scanning resumes just after the prefix so
 * references nested inside JSON braces are still found.
 */
export function parseTemplate(text: string, prefix: string, suffix: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf(prefix, i);
    if (at < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, at);
    const reference = parseReference(text, at + prefix.length, 0);
    if (reference !== undefined && text.startsWith(suffix, reference.end)) {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(reference.value);
      i = reference.end + suffix.length;
    } else {
      literal += prefix;
      i = at + prefix.length;
    }
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

function parseReference(text: string, start: number, depth: number): Parsed<TemplateReference> | undefined {
  VARIABLE_NAME.lastIndex = start;
  const match = VARIABLE_NAME.exec(text);
  if (match === null) return undefined;
  const name = match[0];
  const afterName = start + name.length;
  if (text[afterName] !== '(') return { value: { kind: 'variable', name }, end: afterName };
  if (!FUNCTION_NAME.test(name) || depth >= MAX_CALL_DEPTH) return undefined;
  const args = parseArguments(text, afterName + 1, RAW_FIRST_ARGUMENT.has(name), depth + 1);
  if (args === undefined) return undefined;
  return { value: { kind: 'call', name, args: args.value }, end: args.end };
}

/** Parses `arg, arg, …)` starting just after the opening parenthesis; `end` is just after the closing one. */
function parseArguments(text: string, start: number, rawFirst: boolean, depth: number): Parsed<TemplateExpression[]> | undefined {
  const args: TemplateExpression[] = [];
  let i = skipSpaces(text, start);
  if (text[i] === ')') return { value: args, end: i + 1 };
  for (;;) {
    const arg = rawFirst && args.length === 0 ? parseRawArgument(text, i) : parseArgument(text, i, depth);
    if (arg === undefined) return undefined;
    args.push(arg.value);
    i = skipSpaces(text, arg.end);
    if (text[i] === ')') return { value: args, end: i + 1 };
    if (text[i] !== ',') return undefined;
    i = skipSpaces(text, i + 1);
  }
}

function parseArgument(text: string, start: number, depth: number): Parsed<TemplateExpression> | undefined {
  const char = text[start];
  if (char === "'" || char === '"') return parseQuoted(text, start);
  NUMBER.lastIndex = start;
  const number = NUMBER.exec(text);
  if (number !== null) return { value: { kind: 'literal', value: number[0] }, end: start + number[0].length };
  return parseReference(text, start, depth);
}

/** A quoted literal; `\'` (or `\"`) stands for the quote, every other backslash is kept (regexes need them). */
function parseQuoted(text: string, start: number): Parsed<TemplateExpression> | undefined {
  const quote = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && text[i + 1] === quote) {
      value += quote;
      i++;
    } else if (char === quote) {
      return { value: { kind: 'literal', value }, end: i + 1 };
    } else {
      value += char;
    }
  }
  return undefined;
}

/** Everything up to the first top-level `,` or `)`, trimmed; quotes and brackets may hold either. */
function parseRawArgument(text: string, start: number): Parsed<TemplateExpression> | undefined {
  if (text[start] === "'" || text[start] === '"') {
    const quoted = parseQuoted(text, start);
    const next = quoted === undefined ? undefined : text[skipSpaces(text, quoted.end)];
    if (quoted !== undefined && (next === ',' || next === ')')) return quoted;
  }
  let nesting = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '(' || char === '[') {
      nesting++;
    } else if ((char === ')' || char === ']') && nesting > 0) {
      nesting--;
    } else if (nesting === 0 && (char === ',' || char === ')')) {
      const value = text.slice(start, i).trim();
      return value === '' ? undefined : { value: { kind: 'literal', value }, end: i };
    }
  }
  return undefined;
}

function skipSpaces(text: string, start: number): number {
  let i = start;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}
