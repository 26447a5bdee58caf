// Translates a java.util.regex pattern to RE2 syntax, rejecting constructs a linear-time engine cannot run.

/** Java's `\h` (horizontal whitespace), as the body of a character class. */
const horizontalSpace = '\\t \\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}';
/** Java's `\v` (vertical whitespace; RE2's `\v` is only the VT character). */
const verticalSpace = '\\n\\x{0B}\\f\\r\\x{85}\\x{2028}\\x{2029}';
/** Java's POSIX property names (`\p{Alpha}`), all US-ASCII like RE2's `[:alpha:]`. */
const posixClasses: ReadonlyMap<string, string> = new Map([
  ['Lower', 'lower'], ['Upper', 'upper'], ['ASCII', 'ascii'], ['Alpha', 'alpha'], ['Digit', 'digit'],
  ['Alnum', 'alnum'], ['Punct', 'punct'], ['Graph', 'graph'], ['Print', 'print'], ['Blank', 'blank'],
  ['Cntrl', 'cntrl'], ['XDigit', 'xdigit'], ['Space', 'space'],
]);
const javaProperties: ReadonlyMap<string, string> = new Map([
  ['javaLowerCase', 'Ll'], ['javaUpperCase', 'Lu'], ['javaTitleCase', 'Lt'], ['javaDigit', 'Nd'], ['javaLetter', 'L'],
]);
// Java flags with no RE2 meaning to keep: u (Unicode case folding, RE2's default), U (Unicode classes;
// RE2's U means "ungreedy", so it must not pass through), d (Unix lines: RE2 only knows \n anyway).
const droppedFlags = new Set(['u', 'U', 'd']);
const keptFlags = new Set(['i', 'm', 's']);

const quantifierBraces = /\{[0-9]+(?:,[0-9]*)?\}/y;
const flagGroup = /\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/y;
const propertyEscape = /\\([pP])(?:\{([^}]*)\}|([A-Za-z]))/y;

/** Throws an Error whose message says which construct is unsupported. */
export function toRe2Pattern(java: string): string {
  let out = '';
  let i = 0;
  let inClass = false;
  let classBodyStart = 0;
  let afterQuantifier = false;
  while (i < java.length) {
    const c = java[i] as string;
    if (c === '\\') {
      const escape = translateEscape(java, i, inClass);
      out += escape.text;
      i = escape.next;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === '[') throw new Error('nested character classes are not supported');
      if (c === '&' && java[i + 1] === '&') throw new Error('character class intersection (&&) is not supported');
      if (c === ']' && i > classBodyStart) inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (java[i] === '^') out += java[i++];
      classBodyStart = i;
      continue;
    }
    if (c === '(' && java[i + 1] === '?') {
      const group = translateGroupOpening(java, i);
      out += group.text;
      i = group.next;
      afterQuantifier = false;
      continue;
    }
    const braces = c === '{' ? matchAt(quantifierBraces, java, i) : undefined;
    if (c === '*' || c === '+' || c === '?' || braces !== undefined) {
      if (afterQuantifier && c === '+') throw new Error('possessive quantifiers are not supported');
      // A `?` after a quantifier makes it lazy; anything else after one is a quantifier itself.
      afterQuantifier = !(afterQuantifier && c === '?');
      out += braces ?? c;
      i += braces?.length ?? 1;
      continue;
    }
    afterQuantifier = false;
    out += c;
    i++;
  }
  return out;
}

function translateGroupOpening(java: string, i: number): { text: string; next: number } {
  const rest = java.slice(i + 2, i + 4);
  if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') {
    throw new Error('lookahead and lookbehind are not supported');
  }
  if (rest.startsWith('>')) throw new Error('atomic groups are not supported');
  if (rest.startsWith('<')) return { text: '(?P<', next: i + 3 };
  if (rest.startsWith(':')) return { text: '(?:', next: i + 3 };
  flagGroup.lastIndex = i;
  const m = flagGroup.exec(java);
  if (m === null) return { text: '(?', next: i + 2 };
  const on = toRe2Flags(m[1] ?? '');
  const off = toRe2Flags(m[2] ?? '');
  const flags = off === '' ? on : `${on}-${off}`;
  const isScoped = m[3] === ':';
  const text = flags === '' ? (isScoped ? '(?:' : '') : `(?${flags}${m[3]}`;
  return { text, next: i + m[0].length };
}

function toRe2Flags(javaFlags: string): string {
  let kept = '';
  for (const flag of javaFlags) {
    if (flag === 'x') throw new Error('the comments flag (?x) is not supported');
    if (keptFlags.has(flag)) kept += flag;
    else if (!droppedFlags.has(flag)) throw new Error(`unknown flag "${flag}"`);
  }
  return kept;
}

function translateEscape(java: string, i: number, inClass: boolean): { text: string; next: number } {
  const c = java[i + 1];
  if (c === undefined) throw new Error('trailing backslash');
  if (c === 'Q') {
    const end = java.indexOf('\\E', i + 2);
    const literal = java.slice(i + 2, end < 0 ? java.length : end);
    // One escaped character per code point keeps a following quantifier on the last character, as in Java.
    return { text: Array.from(literal, toHexEscape).join(''), next: end < 0 ? java.length : end + 2 };
  }
  if (c >= '1' && c <= '9' && !inClass) throw new Error('backreferences are not supported');
  if (c === 'k') throw new Error('backreferences are not supported');
  if (c === 'p' || c === 'P') return translateProperty(java, i, inClass);
  const twoChars = { next: i + 2 };
  switch (c) {
    case 'u': {
      const hex = java.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error('\\u must be followed by 4 hex digits');
      return { text: `\\x{${hex}}`, next: i + 6 };
    }
    case '0': {
      const octal = /^[0-3]?[0-7]{1,2}/.exec(java.slice(i + 2, i + 5))?.[0];
      if (octal === undefined) throw new Error('\\0 must be followed by octal digits');
      return { text: `\\x{${parseInt(octal, 8).toString(16)}}`, next: i + 2 + octal.length };
    }
    case 'c': {
      const control = java[i + 2];
      if (control === undefined) throw new Error('\\c must be followed by a character');
      return { text: `\\x{${(control.charCodeAt(0) ^ 64).toString(16)}}`, next: i + 3 };
    }
    case 'e':
      return { text: '\\x{1B}', ...twoChars };
    // Under whole-value matching Java's \Z and RE2's \z accept the same strings.
    case 'Z':
      return { text: '\\z', ...twoChars };
    case 'h':
      return { text: inClass ? horizontalSpace : `[${horizontalSpace}]`, ...twoChars };
    case 'v':
      return { text: inClass ? verticalSpace : `[${verticalSpace}]`, ...twoChars };
    case 'H':
    case 'V':
      if (inClass) throw new Error(`\\${c} inside a character class is not supported`);
      return { text: `[^${c === 'H' ? horizontalSpace : verticalSpace}]`, ...twoChars };
    case 'R':
      if (inClass) throw new Error('\\R inside a character class is not supported');
      return { text: `(?:\\r\\n|[${verticalSpace}])`, ...twoChars };
    default:
      return { text: `\\${c}`, ...twoChars };
  }
}

function translateProperty(java: string, i: number, inClass: boolean): { text: string; next: number } {
  propertyEscape.lastIndex = i;
  const m = propertyEscape.exec(java);
  if (m === null) throw new Error('\\p must be followed by a property name');
  const negated = m[1] === 'P';
  const name = (m[2] ?? m[3] ?? '').replace(/^(?:Is|general_category=|gc=|script=|sc=)/, '');
  const next = i + m[0].length;
  const posix = posixClasses.get(name);
  if (posix !== undefined) {
    const body = `[:${negated ? '^' : ''}${posix}:]`;
    return { text: inClass ? body : `[${body}]`, next };
  }
  return { text: `\\${m[1]}{${javaProperties.get(name) ?? name}}`, next };
}

function toHexEscape(char: string): string {
  return `\\x{${(char.codePointAt(0) ?? 0).toString(16)}}`;
}

function matchAt(pattern: RegExp, text: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0];
}
