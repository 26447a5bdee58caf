// What PopulateCache stores and LookupCache hands back: a private copy of a flow variable's value, sized for the cache.
import { Message } from '../../engine/message.js';

/** Wraps what PopulateCache wrote, so that it is never mistaken for another policy's entry under the same key. */
export class CachedValue {
  constructor(
    private readonly value: unknown,
    readonly sizeBytes: number,
  ) {
    Object.freeze(this);
  }

  /** A copy for one request: a message or an object taken from the cache cannot change the entry. */
  read(): unknown {
    const value = this.value;
    if (value instanceof Message) return value.clone();
    if (value instanceof Uint8Array) return Buffer.from(value);
    return typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
}

// Bookkeeping per entry besides the value's own bytes.
const ENTRY_OVERHEAD_BYTES = 64;

/** A message is copied with its buffered body; undefined for what cannot be copied (a streaming body, functions, …). */
export function toCachedValue(value: unknown): CachedValue | undefined {
  if (typeof value === 'string') return new CachedValue(value, ENTRY_OVERHEAD_BYTES + Buffer.byteLength(value));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return new CachedValue(value, ENTRY_OVERHEAD_BYTES + 16);
  if (value instanceof Uint8Array) return new CachedValue(Buffer.from(value), ENTRY_OVERHEAD_BYTES + value.byteLength);
  if (value instanceof Message) {
    if (value.isStreaming) return undefined;
    const copy = value.clone();
    let size = ENTRY_OVERHEAD_BYTES + copy.contentBuffer.byteLength;
    for (const [name, values] of copy.headers) size += name.length + values.reduce((sum, v) => sum + Buffer.byteLength(v), 0);
    return new CachedValue(copy, size);
  }
  if (typeof value === 'object' && value !== null) {
    try {
      const copy: unknown = structuredClone(value);
      return new CachedValue(copy, ENTRY_OVERHEAD_BYTES + Buffer.byteLength(JSON.stringify(copy) ?? ''));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
