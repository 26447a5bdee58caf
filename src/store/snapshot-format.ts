// The snapshot's on-disk format: a header line {format, version, seq, bodyBytes, bodySha256}, then the JSON body of every record.
import { createHash } from 'node:crypto';
import { isName, toFrozen, type AppliedOp, type StoreState } from './create-store-state.js';

const format = 'baton-store-snapshot';
const version = 1;

export interface ParsedSnapshot {
  /** The last journal sequence number the snapshot includes. */
  seq: number;
  /** Every record, as puts. */
  ops: AppliedOp[];
}

/** The whole state as snapshot bytes; collections and records as arrays, so no name can collide with Object.prototype. */
export function toSnapshotBytes(seq: number, state: StoreState): Buffer {
  const collections: string[] = [];
  for (const [collection, records] of state.collections()) {
    const entries: string[] = [];
    for (const [key, value] of records) entries.push(`[${JSON.stringify(key)},${JSON.stringify(value)}]`);
    collections.push(`[${JSON.stringify(collection)},[${entries.join(',')}]]`);
  }
  const body = Buffer.from(`{"collections":[${collections.join(',')}]}`, 'utf8');
  const header = JSON.stringify({ format, version, seq, bodyBytes: body.length, bodySha256: sha256Hex(body) });
  return Buffer.concat([Buffer.from(`${header}\n`, 'utf8'), body]);
}

/** Parses and verifies snapshot bytes; a string result says why they are unusable. */
export function parseSnapshot(bytes: Buffer): ParsedSnapshot | string {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return bytes.length === 0 ? 'file is empty' : 'no header line';
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8'));
  } catch {
    return 'header is not JSON';
  }
  const h = header as { format?: unknown; version?: unknown; seq?: unknown; bodyBytes?: unknown; bodySha256?: unknown } | null;
  if (typeof h !== 'object' || h === null || h.format !== format) return 'not a Baton store snapshot';
  if (h.version !== version) return `unsupported snapshot version ${String(h.version)}`;
  if (typeof h.seq !== 'number' || !Number.isSafeInteger(h.seq) || h.seq < 0) return 'header has no valid seq';
  const body = bytes.subarray(newline + 1);
  if (body.length !== h.bodyBytes) return `body is ${body.length} bytes, header says ${String(h.bodyBytes)}`;
  if (sha256Hex(body) !== h.bodySha256) return 'body does not match its sha-256';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  const collections = (parsed as { collections?: unknown } | null)?.collections;
  if (!Array.isArray(collections)) return 'body has no collections array';
  const ops: AppliedOp[] = [];
  for (const entry of collections as unknown[]) {
    if (!Array.isArray(entry) || !isName(entry[0]) || !Array.isArray(entry[1])) return 'body has an invalid collection';
    const collection = entry[0];
    for (const record of entry[1] as unknown[]) {
      if (!Array.isArray(record) || !isName(record[0]) || record[1] === undefined || record[1] === null) return 'body has an invalid record';
      ops.push({ collection, key: record[0], value: toFrozen(record[1]) });
    }
  }
  return { seq: h.seq, ops };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
