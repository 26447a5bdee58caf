// Request ids: a client's X-Request-ID when it is safe to echo, otherwise one made from a per-process random prefix and a counter.
import { randomBytes } from 'node:crypto';

export const REQUEST_ID_HEADER = 'X-Request-ID';

/** Printable ASCII (space included), 1-200 characters: safe in a header, a log line and a JSON body. */
const VALID_REQUEST_ID = /^[\x20-\x7e]{1,200}$/;

export function isValidRequestId(value: string): boolean {
  return VALID_REQUEST_ID.test(value);
}

/**
 * Unique ids without a random draw per request: 8 random bytes per generator (one per gateway) and a counter.
 * Ids are unique, not secret: never use them as credentials.
 */
export class RequestIdGenerator {
  private readonly prefix = randomBytes(8).toString('hex');
  private counter = 0;

  next(): string {
    return `${this.prefix}-${(++this.counter).toString(36)}`;
  }
}
