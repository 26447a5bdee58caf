// Parses an `Authorization` header into Basic or Bearer credentials, rejecting malformed ones with 400.
import { AdminError } from '../errors.js';

export type Credentials =
  | { readonly scheme: 'basic'; readonly user: string; readonly password: string }
  | { readonly scheme: 'bearer'; readonly token: string }
  /** A scheme Baton does not accept (Digest, Negotiate…): bad credentials, not a malformed header. */
  | { readonly scheme: 'other' };

/** Longer headers are refused before any decoding (reliability-security test 39: a 16 KB header is a 400). */
export const maxAuthorizationBytes = 8192;

// RFC 7617 §2 and RFC 4648 §4: base64, padding optional.
const basicPattern = /^[A-Za-z0-9+/]+={0,2}$/;
// RFC 6750 §2.1 b64token.
const bearerPattern = /^[A-Za-z0-9\-._~+/]+=*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Throws AdminError InvalidParameter (400) for malformed input: over 8 KB, Basic or Bearer with nothing after
 * it, Basic that is not base64 of UTF-8 `user:password`, a Bearer token outside RFC 6750's alphabet.
 * Well-formed but wrong credentials (empty user, unknown scheme) are the caller's 401. Messages never echo the input.
 */
export function parseAuthorization(header: string): Credentials {
  if (header.length > maxAuthorizationBytes) throw malformed(`the Authorization header exceeds ${maxAuthorizationBytes} bytes`);
  const trimmed = header.trim();
  const space = trimmed.search(/[ \t]/);
  const scheme = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : trimmed.slice(space).trim();
  if (scheme === 'basic') return parseBasic(value);
  if (scheme === 'bearer') {
    if (!bearerPattern.test(value)) throw malformed('Bearer credentials must be a token');
    return { scheme: 'bearer', token: value };
  }
  return { scheme: 'other' };
}

function parseBasic(value: string): Credentials {
  if (!basicPattern.test(value) || value.replace(/=+$/, '').length % 4 === 1) throw malformed('Basic credentials must be base64 of user:password');
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(value, 'base64'));
  } catch {
    throw malformed('Basic credentials must be UTF-8');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformed('Basic credentials must be base64 of user:password');
  return { scheme: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function malformed(message: string): AdminError {
  return new AdminError('InvalidParameter', [message]);
}
