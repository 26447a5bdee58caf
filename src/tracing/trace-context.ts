// W3C Trace Context (traceparent) parsing and formatting, and cheap random trace and span ids for propagation without the OTel SDK.
import { randomFillSync } from 'node:crypto';

/** A valid `traceparent` as received. */
export interface TraceParent {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero: the caller's span. */
  readonly parentId: string;
  /** 2 lowercase hex digits. */
  readonly flags: string;
}

// W3C Trace Context §3.2.2: version-traceid-parentid-flags, lowercase hex; later versions may append `-…` fields.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** The traceparent header's fields, or undefined when it is absent or invalid (then the trace restarts and tracestate is dropped, §4.3). */
export function parseTraceParent(value: string | undefined): TraceParent | undefined {
  if (value === undefined || value.length < 55 || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // §3.2.2.1: version ff is invalid; version 00 has exactly these four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_SPAN_ID) return undefined;
  return { traceId, parentId, flags };
}

/** Our outgoing header is always version 00; of the flags only `sampled` is defined for it (§3.2.2.5). */
export function formatTraceParent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/** Whether the flags of a received traceparent have the sampled bit. */
export function isSampled(flags: string): boolean {
  return (Number.parseInt(flags, 16) & 1) === 1;
}

const POOL_BYTES = 4096;

/**
 * Random trace (16 bytes) and span (8 bytes) ids, hex, drawn from a pool refilled with crypto random bytes every
 * 4 KiB: one randomFillSync per ~170 requests instead of one per id.
 */
export class TraceIdGenerator {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private offset = POOL_BYTES;

  private take(bytes: number): string {
    if (this.offset + bytes > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const hex = this.pool.toString('hex', this.offset, this.offset + bytes);
    this.offset += bytes;
    return hex;
  }

  traceId(): string {
    let id = this.take(16);
    while (id === ZERO_TRACE_ID) id = this.take(16);
    return id;
  }

  spanId(): string {
    let id = this.take(8);
    while (id === ZERO_SPAN_ID) id = this.take(8);
    return id;
  }
}
