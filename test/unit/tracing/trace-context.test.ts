// W3C traceparent parsing (every rule of §3.2 that makes one invalid), formatting, and the random id generator.
import { describe, expect, it } from 'vitest';
import { TraceIdGenerator, formatTraceParent, isSampled, parseTraceParent } from '../../../src/tracing/trace-context.js';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentId = '00f067aa0ba902b7';

describe('parseTraceParent', () => {
  it('reads a version 00 header', () => {
    expect(parseTraceParent(`00-${traceId}-${parentId}-01`)).toEqual({ traceId, parentId, flags: '01' });
    expect(parseTraceParent(`00-${traceId}-${parentId}-00`)).toEqual({ traceId, parentId, flags: '00' });
  });

  it('reads a later version, ignoring the fields it appends', () => {
    expect(parseTraceParent(`cc-${traceId}-${parentId}-01-what-the-future-holds`)).toEqual({ traceId, parentId, flags: '01' });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['version ff', `ff-${traceId}-${parentId}-01`],
    ['version 00 with more fields', `00-${traceId}-${parentId}-01-extra`],
    ['a later version glued to more characters', `cc-${traceId}-${parentId}-01x`],
    ['uppercase hex', `00-${traceId.toUpperCase()}-${parentId}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${parentId}-01`],
    ['an all-zero parent id', `00-${traceId}-${'0'.repeat(16)}-01`],
    ['a short trace id', `00-${traceId.slice(1)}-${parentId}-01`],
    ['a non-hex flag', `00-${traceId}-${parentId}-0g`],
    ['two headers joined', `00-${traceId}-${parentId}-01, 00-${traceId}-${parentId}-01`],
  ])('refuses %s', (_name, value) => {
    expect(parseTraceParent(value)).toBeUndefined();
  });
});

describe('formatTraceParent and isSampled', () => {
  it('writes version 00 with only the sampled flag', () => {
    expect(formatTraceParent(traceId, parentId, true)).toBe(`00-${traceId}-${parentId}-01`);
    expect(formatTraceParent(traceId, parentId, false)).toBe(`00-${traceId}-${parentId}-00`);
    expect(isSampled('01')).toBe(true);
    expect(isSampled('03')).toBe(true);
    expect(isSampled('02')).toBe(false);
  });
});

describe('TraceIdGenerator', () => {
  it('draws valid, distinct ids across pool refills', () => {
    const ids = new TraceIdGenerator();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      traceIds.add(ids.traceId());
      spanIds.add(ids.spanId());
    }
    expect(traceIds.size).toBe(1000);
    expect(spanIds.size).toBe(1000);
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
    const sample = [...traceIds][0]!;
    expect(parseTraceParent(formatTraceParent(sample, [...spanIds][0]!, false))).toBeDefined();
  });
});
