// The journal's on-disk record format: [u32 payload length][u32 CRC-32 of length+payload][JSON payload {seq, ops}], big-endian.
import { crc32 } from 'node:zlib';
import { isName, toFrozen, type AppliedOp, type CommittedOp } from './create-store-state.js';
import { StoreError } from './store.js';

const headerBytes = 8;
/** Bounds what one commit may write and what a corrupted length field can make recovery read. */
export const maxRecordBytes = 64 * 1024 * 1024;

export interface JournalRecord {
  seq: number;
  ops: AppliedOp[];
}

export interface ParsedJournal {
  records: JournalRecord[];
  /** Length of the prefix made of whole, valid, consecutive records; everything after it is dropped. */
  validBytes: number;
  /**
   * Why parsing stopped before the end. `torn` is true when no valid record follows the bad bytes (an
   * interrupted append, zeros left by a power loss, garbage); false means valid records follow, i.e. the
   * journal is corrupt in the middle and acknowledged commits are behind the damage.
   */
  stop?: { offset: number; reason: string; torn: boolean };
  /** Set when the first record does not follow `afterSeq`: the records in between are missing. */
  gap?: { expectedSeq: number; foundSeq: number };
}

/** One commit as a journal record. */
export function toJournalRecord(seq: number, ops: readonly CommittedOp[]): Buffer {
  const opsJson = ops.map((op) => `{"collection":${JSON.stringify(op.collection)},"key":${JSON.stringify(op.key)},"value":${op.valueJson}}`);
  const payload = Buffer.from(`{"seq":${seq},"ops":[${opsJson.join(',')}]}`, 'utf8');
  const record = Buffer.allocUnsafe(headerBytes + payload.length);
  record.writeUInt32BE(payload.length, 0);
  record.writeUInt32BE(crc32(payload, crc32(record.subarray(0, 4))), 4);
  payload.copy(record, headerBytes);
  return record;
}

/** An upper bound of the record size of a commit (header, seq digits and JSON punctuation included). */
export function toRecordBytesBound(ops: readonly CommittedOp[]): number {
  let bytes = 64;
  for (const op of ops) {
    bytes += 32 + Buffer.byteLength(JSON.stringify(op.collection)) + Buffer.byteLength(JSON.stringify(op.key)) + Buffer.byteLength(op.valueJson);
  }
  return bytes;
}

/** Rejects a commit whose record recovery would refuse to read back. */
export function assertRecordSize(ops: readonly CommittedOp[]): void {
  const bytes = toRecordBytesBound(ops);
  if (bytes > maxRecordBytes) throw new StoreError('invalid', `commit of about ${bytes} bytes exceeds the limit of ${maxRecordBytes} bytes`);
}

/** Reads records until the end or the first bad one; `afterSeq` is the sequence number the first record must follow, if known. */
export function parseJournal(bytes: Buffer, afterSeq: number | undefined): ParsedJournal {
  const records: JournalRecord[] = [];
  let gap: ParsedJournal['gap'];
  let offset = 0;
  let previousSeq = afterSeq;
  const stopAt = (reason: string): ParsedJournal => ({
    records,
    validBytes: offset,
    stop: { offset, reason, torn: !hasValidRecordAfter(bytes, offset) },
    ...(gap ? { gap } : {}),
  });
  while (offset < bytes.length) {
    if (bytes.length - offset < headerBytes) return stopAt('incomplete record header');
    const length = bytes.readUInt32BE(offset);
    const recordEnd = offset + headerBytes + length;
    if (length === 0) return stopAt('empty record');
    if (length > maxRecordBytes) return stopAt(`record length ${length} exceeds the limit`);
    if (recordEnd > bytes.length) return stopAt(`record of ${length} bytes cut short by the end of the file`);
    const payload = bytes.subarray(offset + headerBytes, recordEnd);
    if (crc32(payload, crc32(bytes.subarray(offset, offset + 4))) !== bytes.readUInt32BE(offset + 4)) {
      return stopAt('CRC mismatch');
    }
    const record = parsePayload(payload);
    if (typeof record === 'string') return stopAt(record);
    if (previousSeq !== undefined && record.seq !== previousSeq + 1) {
      if (records.length > 0) return stopAt(`sequence ${record.seq} does not follow ${previousSeq}`);
      if (record.seq <= previousSeq) {
        // Already covered by the snapshot: a crash came between writing the snapshot and truncating the journal.
        offset = recordEnd;
        continue;
      }
      // Keep what follows rather than drop it: every op carries a whole value, so later records stay meaningful.
      gap = { expectedSeq: previousSeq + 1, foundSeq: record.seq };
    }
    records.push(record);
    previousSeq = record.seq;
    offset = recordEnd;
  }
  return { records, validBytes: offset, ...(gap ? { gap } : {}) };
}

function parsePayload(payload: Buffer): JournalRecord | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'payload is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'payload is not an object';
  const { seq, ops } = parsed as { seq?: unknown; ops?: unknown };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return 'payload has no valid seq';
  if (!Array.isArray(ops)) return 'payload has no ops array';
  const applied: AppliedOp[] = [];
  for (const op of ops as unknown[]) {
    if (typeof op !== 'object' || op === null) return 'payload has an invalid op';
    const { collection, key, value } = op as { collection?: unknown; key?: unknown; value?: unknown };
    if (!isName(collection) || !isName(key) || value === undefined) return 'payload has an invalid op';
    applied.push({ collection, key, value: toFrozen(value) });
  }
  return { seq, ops: applied };
}

const payloadStart = Buffer.from('{"seq":', 'utf8');

/** Scans for a whole record with a valid CRC starting anywhere after `from`; the payload prefix check keeps it linear in practice. */
function hasValidRecordAfter(bytes: Buffer, from: number): boolean {
  for (let at = bytes.indexOf(payloadStart, from + headerBytes + 1); at >= 0; at = bytes.indexOf(payloadStart, at + 1)) {
    const start = at - headerBytes;
    const length = bytes.readUInt32BE(start);
    if (length === 0 || start + headerBytes + length > bytes.length) continue;
    const payload = bytes.subarray(at, at + length);
    if (crc32(payload, crc32(bytes.subarray(start, start + 4))) === bytes.readUInt32BE(start + 4)) return true;
  }
  return false;
}
