// Threat patterns: java.util.regex syntax run on RE2 (linear time), matched anywhere in the value.
import { RE2JS } from 're2js';
import { toRe2Pattern } from '../../engine/condition/to-re2-pattern.js';

export interface ThreatPattern {
  /** The pattern as written in the policy (for the ThreatDetected message). */
  readonly text: string;
  /** True when the pattern occurs anywhere in the value. */
  test(value: string): boolean;
}

/** @throws Error naming the reason when the pattern is invalid or needs backtracking (backreferences, lookaround). */
export function compileThreatPattern(text: string): ThreatPattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(toRe2Pattern(text));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(message.replace(/^error parsing regexp: /, ''), { cause: err });
  }
  // Apigee evaluates a pattern against part of the value (Matcher.find), which is why its samples read `[\s]*(delete)…`.
  return { text, test: (value) => compiled.test(value) };
}
