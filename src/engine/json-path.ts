// JSONPath for ExtractVariables and the jsonPath() template function: checked and normalised at compile time, run by jsonpath-plus with script evaluation off.

import { JSONPath } from 'jsonpath-plus';

/** Longer paths are refused: jsonpath-plus splits paths with regexes that are quadratic in the path length. */
export const MAX_JSON_PATH_LENGTH = 2048;

/**
 * Characters a member name cannot hold: jsonpath-plus's path splitter gives them meanings even inside quotes
 * (`;` separates, `#n` refers to a script, `^` is the parent operator, parentheses start scripts or type tests).
 */
const FORBIDDEN_IN_MEMBER = /['[\];#^()]|%@%|%%@@%%/;
const INDEX = /^-?\d+$/;
const INDEX_UNION = /^\d+(?:,\d+)+$/;
const SLICE = /^(-?\d+)?:(-?\d+)?(?::(\d+)?)?$/;

/**
 * Compiles a JSONPath. Supported: `$`, `.name`, `['name']`, `["name"]`, `.*`, `[*]`, `..` (descendants),
 * `[n]` (negative counts from the end), `[n,m]`, `[start:end:step]`, and a trailing `.length()`.
 * A path without a leading `$` is read as relative to the root (`a.b` is `$.a.b`), as Jayway JsonPath does.
 * Filters (`[?(…)]`) and scripts (`[(…)]`) are refused: they would need script evaluation.
 * @throws Error naming the path and the problem.
 */
export function compileJsonPath(path: string): (json: unknown) => unknown[] {
  const normalized = toNormalizedJsonPath(path);
  return (json) => runJsonPath(normalized, json);
}

/**
 * Evaluates a path not known in advance. The result is every match, in document order; the values are the
 * document's own objects, not copies.
 * @throws Error for a bad path.
 */
export function evaluateJsonPath(json: unknown, path: string): unknown[] {
  const normalized = toNormalizedJsonPath(path);
  // jsonpath-plus caches every path string it sees, forever; a path that may come from a request must not stay.
  const cache = JSONPath.cache as Record<string, unknown>;
  const wasCached = Object.hasOwn(cache, normalized);
  try {
    return runJsonPath(normalized, json);
  } finally {
    if (!wasCached) delete cache[normalized];
  }
}

function runJsonPath(normalized: string, json: unknown): unknown[] {
  if (json === undefined || json === null) return [];
  if (normalized === '$') return [json];
  // A scalar has no members (jsonpath-plus also returns nothing for falsy scalars).
  if (typeof json !== 'object') return [];
  const result: unknown = JSONPath({ path: normalized, json, eval: false, wrap: true, resultType: 'value' });
  return Array.isArray(result) ? result : [];
}

/** Rewrites the path into a form jsonpath-plus reads unambiguously: every member name backtick-escaped and quoted. */
function toNormalizedJsonPath(source: string): string {
  const fail = (problem: string): never => {
    throw new Error(`invalid JSONPath "${source.length > 100 ? `${source.slice(0, 100)}…` : source}": ${problem}`);
  };
  if (source.length > MAX_JSON_PATH_LENGTH) fail(`longer than ${MAX_JSON_PATH_LENGTH} characters`);
  let text = source.trim();
  if (text === '') fail('the path is empty');
  if (text.startsWith('@')) fail('a path must start at the root ($); "@" only has a meaning inside filters, which are not supported');
  if (!text.startsWith('$')) text = text.startsWith('[') ? `$${text}` : `$.${text}`;

  let out = '$';
  let i = 1;
  while (i < text.length) {
    const char = text[i];
    if (char === '[') {
      const close = findBracketEnd(text, i, fail);
      out += toBracketSegment(text.slice(i + 1, close).trim(), fail);
      i = close + 1;
    } else if (char === '.') {
      const descendant = text[i + 1] === '.';
      i += descendant ? 2 : 1;
      if (descendant) out += '..';
      if (descendant && text[i] === '[') continue;
      let end = i;
      while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
      const name = text.slice(i, end);
      if (name === '') fail(`a member name or * must follow "${descendant ? '..' : '.'}" at offset ${i}`);
      if (name === 'length()' && end === text.length) {
        out += descendant ? 'length' : '.length';
      } else if (name === '*') {
        out += descendant ? '*' : '[*]';
      } else {
        if (name.includes('(')) fail(`functions such as "${name}" are not supported`);
        out += toMemberSegment(name, fail);
      }
      i = end;
    } else {
      fail(`unexpected "${char}" at offset ${i}; expected ".", ".." or "["`);
    }
  }
  if (out.endsWith('..')) fail('".." must be followed by a member name, * or a bracket');
  return out;
}

function findBracketEnd(text: string, open: number, fail: (problem: string) => never): number {
  let quote: string | undefined;
  for (let i = open + 1; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === ']') {
      return i;
    }
  }
  return fail(quote === undefined ? `"[" at offset ${open} is never closed` : `a quote opened after offset ${open} is never closed`);
}

function toBracketSegment(content: string, fail: (problem: string) => never): string {
  if (content.startsWith('?') || content.startsWith('(')) {
    return fail('filter and script expressions ([?(…)], [(…)]) are not supported: script evaluation is disabled');
  }
  if (content === '*') return '[*]';
  const quote = content[0];
  if (quote === "'" || quote === '"') {
    const close = content.indexOf(quote, 1);
    if (close !== content.length - 1) return fail(`only one quoted member name is allowed per bracket, got [${content}]`);
    return toMemberSegment(content.slice(1, -1), fail);
  }
  if (INDEX.test(content)) {
    const index = Number(content);
    // jsonpath-plus has no negative index, but a one-element slice means the same.
    if (index < 0) return index === -1 ? '[-1:]' : `[${index}:${index + 1}]`;
    return `[${index}]`;
  }
  const compact = content.replace(/\s+/g, '');
  if (INDEX_UNION.test(compact)) return `[${compact}]`;
  const slice = SLICE.exec(compact);
  if (slice) {
    if (slice[3] === '0') fail('a slice step must be at least 1');
    return `[${compact}]`;
  }
  if (/^-?\d*:-?\d*:-\d+$/.test(compact)) return fail('negative slice steps are not supported');
  if (/^[A-Za-z_$][\w$-]*$/.test(content)) return toMemberSegment(content, fail);
  return fail(`unsupported bracket expression [${content}]`);
}

/** Backtick-escaped so that names like `*`, `$`, `~` or `a,b` are plain member names, not operators. */
function toMemberSegment(name: string, fail: (problem: string) => never): string {
  if (FORBIDDEN_IN_MEMBER.test(name)) fail(`member name "${name}" holds a character that is not supported (' [ ] ; # ^ ( ))`);
  return `['\`${name}']`;
}
