// ExtractVariables patterns (`/a/{id}`, `DBN{code}`, `Bearer {token}`): parsed and compiled once into a linear-time RE2 matcher.
import { RE2JS } from 're2js';

export interface ExtractPatternMatcher {
  /** Variable names in the order of their `{…}` in the pattern. */
  readonly variables: readonly string[];
  /** The whole input must match; returns one value per variable, or undefined. */
  match(input: string): string[] | undefined;
}

export interface ExtractPatternOptions {
  readonly ignoreCase: boolean;
  /** URIPath: a variable matches within one path segment (no `/`). */
  readonly segmentVariables: boolean;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Literal text is quoted, so nothing in a pattern is a regex operator; each `{name}` becomes a lazy group,
 * which makes an earlier variable take the shortest value that lets the rest match.
 * @throws Error describing a malformed pattern (unclosed brace, bad name, two variables with nothing between).
 */
export function compileExtractPattern(text: string, options: ExtractPatternOptions): ExtractPatternMatcher {
  const variables: string[] = [];
  let source = '';
  let position = 0;
  let lastWasVariable = false;
  while (position < text.length) {
    const open = text.indexOf('{', position);
    const literal = open === -1 ? text.slice(position) : text.slice(position, open);
    if (literal !== '') {
      source += RE2JS.quote(literal);
      lastWasVariable = false;
    }
    if (open === -1) break;
    const close = text.indexOf('}', open + 1);
    if (close === -1) throw new Error(`pattern "${text}": "{" at offset ${open} is never closed`);
    const name = text.slice(open + 1, close).trim();
    if (!VARIABLE_NAME.test(name)) throw new Error(`pattern "${text}": "{${name}}" is not a valid variable name`);
    if (lastWasVariable) throw new Error(`pattern "${text}": variables need literal text between them`);
    if (variables.includes(name)) throw new Error(`pattern "${text}": variable {${name}} appears twice`);
    variables.push(name);
    source += options.segmentVariables ? '([^/]*?)' : '(.*?)';
    lastWasVariable = true;
    position = close + 1;
  }
  // The pattern is one variable and nothing else (`{id}`): it takes the whole input, within one segment for URIPath.
  if (variables.length === 1 && source === (options.segmentVariables ? '([^/]*?)' : '(.*?)')) {
    return { variables, match: (input) => (options.segmentVariables && input.includes('/') ? undefined : [input]) };
  }
  const compiled = RE2JS.compile(source, RE2JS.DOTALL | (options.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0));
  const count = variables.length;
  return {
    variables,
    match(input) {
      if (count === 0) return compiled.testExact(input) ? [] : undefined;
      const matcher = compiled.matcher(input);
      if (!matcher.matches()) return undefined;
      const values: string[] = [];
      for (let i = 1; i <= count; i++) values.push(matcher.group(i) ?? '');
      return values;
    },
  };
}
