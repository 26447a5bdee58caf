// Validates one raw zip entry or file name before anything uses it: reject, never sanitize (reliability-security §3.1).
import type { BundleLimits } from './bundle-limits.js';

export type EntryNameCheck =
  | { readonly ok: true; /** Name without a leading `./` or trailing `/`, segments joined by `/`. */ readonly path: string; readonly segments: readonly string[] }
  | { readonly ok: false; readonly problem: string };

// Every name a plain object inherits, plus `prototype`: such a segment is a prototype-pollution probe (CVE-2021-23413).
const dangerousSegments: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype']);

// C0 and C1 controls, NUL included: no legitimate bundle file name holds one.
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
// A percent-encoded byte (`%2e%2e`) turns into a traversal once some layer decodes the name.
const percentEncoded = /%[0-9a-fA-F]{2}/;

/** Checks a raw entry name; `nameBytes` is its length in bytes as stored (UTF-8 length when unknown). */
export function checkEntryName(raw: string, limits: Pick<BundleLimits, 'maxNameBytes' | 'maxDepth'>, nameBytes = Buffer.byteLength(raw)): EntryNameCheck {
  const fail = (problem: string): EntryNameCheck => ({ ok: false, problem });
  if (nameBytes > limits.maxNameBytes) return fail(`entry name is ${nameBytes} bytes long, over the limit of ${limits.maxNameBytes}`);
  if (raw === '') return fail('entry name is empty');
  if (controlCharacter.test(raw)) return fail('entry name contains a control character');
  if (raw.includes('\\')) return fail('entry name contains a backslash');
  if (raw.startsWith('/')) return fail('entry name is an absolute path');
  if (raw.includes(':')) return fail('entry name contains a colon');
  if (percentEncoded.test(raw)) return fail('entry name contains a percent-encoded character');
  let name = raw;
  while (name.startsWith('./')) name = name.slice(2);
  if (name.endsWith('/')) name = name.slice(0, -1);
  const segments = name.split('/');
  if (segments.length > limits.maxDepth) return fail(`entry name has ${segments.length} path segments, over the limit of ${limits.maxDepth}`);
  for (const segment of segments) {
    if (segment === '..') return fail('entry name contains a ".." segment');
    if (segment === '.' || segment === '') return fail('entry name contains an empty or "." segment');
    if (dangerousSegments.has(segment)) return fail(`entry name contains the reserved segment "${segment}"`);
  }
  return { ok: true, path: segments.join('/'), segments };
}

/** A name safe to print in a message: controls escaped, long names cut. */
export function toDisplayName(raw: string): string {
  const escaped = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}

/** The key two names collide on: the same file on a case-insensitive or Unicode-normalizing file system. */
export function toCollisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}
