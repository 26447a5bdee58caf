import { describe, expect, it } from 'vitest';
import { toCommittedOps } from '../../../src/store/create-store-state.js';
import { assertRecordSize, parseJournal, toJournalRecord } from '../../../src/store/journal-format.js';

function record(seq: number, key = `k${seq}`): Buffer {
  return toJournalRecord(seq, toCommittedOps([{ collection: 'c', key, value: { seq } }]));
}

describe('journal format', () => {
  it('frames a record as length, CRC-32 and JSON payload', () => {
    const bytes = record(1);
    const payload = bytes.subarray(8).toString('utf8');
    expect(bytes.readUInt32BE(0)).toBe(bytes.length - 8);
    expect(JSON.parse(payload)).toEqual({ seq: 1, ops: [{ collection: 'c', key: 'k1', value: { seq: 1 } }] });
  });

  it('reads back consecutive records', () => {
    const parsed = parseJournal(Buffer.concat([record(1), record(2), record(3)]), 0);
    expect(parsed.records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(parsed.stop).toBeUndefined();
    expect(Object.isFrozen(parsed.records[0]?.ops[0]?.value)).toBe(true);
  });

  it('calls a bad last record a torn tail, and a bad record followed by good ones corruption', () => {
    const good = Buffer.concat([record(1), record(2)]);
    const third = record(3);
    const cut = parseJournal(Buffer.concat([good, third.subarray(0, 12)]), 0);
    expect(cut.validBytes).toBe(good.length);
    expect(cut.stop).toMatchObject({ offset: good.length, torn: true });

    const flipped = Buffer.from(third);
    flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 0x20;
    expect(parseJournal(Buffer.concat([good, flipped]), 0).stop).toMatchObject({ reason: 'CRC mismatch', torn: true });
    expect(parseJournal(Buffer.concat([good, flipped, record(4)]), 0).stop).toMatchObject({ reason: 'CRC mismatch', torn: false });

    // A corrupted length field hides where the next record starts; the scan still finds it.
    const badLength = Buffer.from(third);
    badLength.writeUInt32BE(3, 0);
    expect(parseJournal(Buffer.concat([good, badLength, record(4)]), 0).stop).toMatchObject({ torn: false });
  });

  it('rejects an all-zero record, whose CRC would otherwise match', () => {
    const parsed = parseJournal(Buffer.concat([record(1), Buffer.alloc(64)]), 0);
    expect(parsed.records).toHaveLength(1);
    expect(parsed.stop).toMatchObject({ reason: 'empty record', torn: true });
  });

  it('skips records the snapshot covers and stops at a sequence break', () => {
    const parsed = parseJournal(Buffer.concat([record(4), record(5), record(6), record(7)]), 5);
    expect(parsed.records.map((r) => r.seq)).toEqual([6, 7]);
    const broken = parseJournal(Buffer.concat([record(1), record(3)]), 0);
    expect(broken.records.map((r) => r.seq)).toEqual([1]);
    expect(broken.stop?.reason).toBe('sequence 3 does not follow 1');
  });

  it('keeps records after a gap at the start and reports the gap', () => {
    const parsed = parseJournal(Buffer.concat([record(8), record(9)]), 5);
    expect(parsed.records.map((r) => r.seq)).toEqual([8, 9]);
    expect(parsed.gap).toEqual({ expectedSeq: 6, foundSeq: 8 });
  });

  it('accepts any start when the preceding sequence is unknown', () => {
    expect(parseJournal(record(42), undefined).records.map((r) => r.seq)).toEqual([42]);
  });

  it('refuses a commit larger than recovery would read back', () => {
    const ops = toCommittedOps([{ collection: 'c', key: 'k', value: 'x'.repeat(64 * 1024 * 1024) }]);
    expect(() => assertRecordSize(ops)).toThrow(expect.objectContaining({ code: 'invalid' }));
  });
});
