// Deploy history ids: ULID format, strictly increasing within a millisecond, across a clock step back and a restart.
import { describe, expect, it } from 'vitest';
import { createHistoryIdSource, isHistoryId } from '../../../src/history/create-history-id-source.js';

describe('history ids', () => {
  it('are 26 Crockford base32 characters whose first 10 encode the time', () => {
    const id = createHistoryIdSource().next(1_700_000_000_000);
    expect(isHistoryId(id)).toBe(true);
    // 1_700_000_000_000 ms in Crockford base32, as ULID encodes it.
    expect(id.slice(0, 10)).toBe('01HF7YAT00');
    expect(isHistoryId('not-an-id')).toBe(false);
    expect(isHistoryId('01HF7YAT00ILOU000000000000')).toBe(false);
  });

  it('increase strictly in one millisecond and when the clock steps back', () => {
    let time = 1_700_000_000_000;
    const source = createHistoryIdSource();
    const ids = Array.from({ length: 1000 }, () => source.next(time));
    time -= 60_000;
    ids.push(source.next(time), source.next(time));
    time += 120_000;
    ids.push(source.next(time));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('continue after the newest stored id (a restart with the clock behind)', () => {
    const before = createHistoryIdSource().next(1_800_000_000_000);
    const after = createHistoryIdSource(before).next(1_700_000_000_000);
    expect(after > before).toBe(true);
  });
});
