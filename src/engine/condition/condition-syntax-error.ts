// The error thrown for a condition that cannot be parsed or compiled, pointing at the offending position.

/** Longest excerpt of the condition quoted in a message; the position still refers to the full text. */
const excerptLimitChars = 200;

/**
 * A condition Baton cannot accept. `position` is the 0-based character offset into the condition
 * text (like `JSON.parse`); the message reads
 * `unexpected token ")" at position 12 in condition: …`.
 */
export class ConditionSyntaxError extends Error {
  readonly position: number;
  readonly condition: string;
  /** The message without the position and the condition excerpt. */
  readonly detail: string;
  constructor(detail: string, position: number, condition: string, options?: { cause?: unknown }) {
    super(`${detail} at position ${position} in condition: ${toExcerpt(condition)}`, { cause: options?.cause });
    this.name = 'ConditionSyntaxError';
    this.position = position;
    this.condition = condition;
    this.detail = detail;
  }
}

// Newlines become spaces (same length) so that a multi-line condition stays on one log line.
function toExcerpt(condition: string): string {
  const flat = condition.replace(/[\r\n\t]/g, ' ');
  return flat.length > excerptLimitChars ? `${flat.slice(0, excerptLimitChars)}…` : flat;
}
