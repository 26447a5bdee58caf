// UseResponseCacheHeaders: what the response's Cache-Control and Expires say about storing it (RFC 9111 §5.2.2, §5.3).
import type { Message } from '../../engine/message.js';

/**
 * `'no-store'` when the response must not be stored by a shared cache (no-store, private, no-cache — Baton does
 * not revalidate — or a lifetime of 0 or in the past); else the epoch ms its headers let it live until, or
 * undefined when they say nothing. s-maxage wins over max-age, which wins over Expires.
 */
export function toHeaderExpiry(response: Message, nowMs: number): number | 'no-store' | undefined {
  let maxAge: number | undefined;
  let sharedMaxAge: number | undefined;
  for (const value of response.headers.getAll('cache-control')) {
    for (const part of value.split(',')) {
      const [rawName, rawArgument] = part.split('=', 2);
      const name = rawName?.trim().toLowerCase();
      if (name === 'no-store' || name === 'private' || name === 'no-cache') return 'no-store';
      const seconds = rawArgument === undefined ? undefined : toSeconds(rawArgument);
      if (name === 's-maxage' && seconds !== undefined) sharedMaxAge = seconds;
      if (name === 'max-age' && seconds !== undefined) maxAge = seconds;
    }
  }
  const age = sharedMaxAge ?? maxAge;
  if (age !== undefined) return age === 0 ? 'no-store' : nowMs + age * 1000;
  const expires = response.headers.get('expires');
  if (expires === undefined) return undefined;
  const at = Date.parse(expires);
  // RFC 9111 §5.3: an invalid date means "already expired".
  return Number.isNaN(at) || at <= nowMs ? 'no-store' : at;
}

function toSeconds(text: string): number | undefined {
  const trimmed = text.trim().replace(/^"(.*)"$/, '$1');
  return /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : undefined;
}
