// JavaRegex / `~~`: a Java regex matched against the whole value, run on RE2 (linear time, no ReDoS).
import { RE2JS } from 're2js';
import { toRe2Pattern } from './to-re2-pattern.js';

/** Characters with a meaning in a Java regex; a pattern with none of them is literal text. */
const REGEX_METACHARACTER = /[\\^$.|?*+()[\]{}]/;

/**
 * Compiles `pattern` once; the returned matcher only runs it. Throws an Error naming the reason when the
 * pattern is invalid or needs backtracking (backreferences, lookaround, possessive quantifiers).
 */
export function compileJavaRegex(pattern: string): (value: string) => boolean {
  // A pattern without a single regex metacharacter matches only itself: a string comparison, not an RE2 run.
  if (!REGEX_METACHARACTER.test(pattern)) return (value) => value === pattern;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(toRe2Pattern(pattern));
  } catch (err) {
    throw new Error(toReason(err), { cause: err });
  }
  // compat §9: `"/c*t"` does not match `/cat`: the whole value must match, as Java's Matcher.matches().
  return (value) => compiled.testExact(value);
}

function toReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^error parsing regexp: /, '');
}
