// Deploy history ids: ULIDs (48-bit time + 80 random bits, Crockford base32), strictly increasing per source.
import { randomBytes } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const timeLength = 10;
const randomLength = 16;
const idPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export interface HistoryIdSource {
  /** A new id for a record made at `timeMs`, greater than every id this source returned or was seeded with. */
  next(timeMs: number): string;
}

export function isHistoryId(value: string): boolean {
  return idPattern.test(value);
}

function toTimePart(timeMs: number): string {
  let rest = Math.max(0, Math.floor(timeMs));
  let out = '';
  for (let i = 0; i < timeLength; i++) {
    out = alphabet[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function toRandomPart(): string {
  const bytes = randomBytes(randomLength);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % 32]!;
  return out;
}

/** The next id in base32 order; the all-`Z` id (year 10889) has none, and stays. */
function toIncremented(id: string): string {
  const digits = [...id];
  for (let i = digits.length - 1; i >= 0; i--) {
    const value = alphabet.indexOf(digits[i]!);
    if (value < 31) {
      digits[i] = alphabet[value + 1]!;
      return digits.join('');
    }
    digits[i] = '0';
  }
  return id;
}

/**
 * `after` seeds the order with the newest stored id, so ids keep increasing across restarts even when the clock
 * went back; within one millisecond (or a clock step back) the next id is the previous one plus one (ULID's
 * monotonic rule), so the records of a busy millisecond keep their commit order.
 */
export function createHistoryIdSource(after?: string): HistoryIdSource {
  let last = after !== undefined && isHistoryId(after) ? after : '';
  return {
    next(timeMs) {
      const fresh = toTimePart(timeMs) + toRandomPart();
      last = fresh > last ? fresh : toIncremented(last);
      return last;
    },
  };
}
