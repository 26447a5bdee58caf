// Reads a bundle zip into its files under `apiproxy/`, refusing unsafe names, overlaps and anything over the limits.
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import { BundleError, type BundleProblem } from '../errors.js';
import { toBundleLimits, type BundleLimits } from './bundle-limits.js';
import { checkEntryName, toCollisionKey, toDisplayName } from './check-entry-name.js';
import { listZipEntries, ZipReadError, type ZipEntryInfo } from './list-zip-entries.js';

/** Files of a bundle keyed by their path inside `apiproxy/` (`proxies/default.xml`, `Weather.xml`). */
export type BundleFiles = Map<string, Uint8Array>;

const inflateRawAsync = promisify(inflateRaw);

const archiveFile = '(zip)';
// Larger than zlib's 16 KiB default: a bomb reaches the output cap in a quarter of the thread-pool round trips.
const inflateChunkBytes = 64 * 1024;
const symlinkMode = 0o120000;
const fileTypeMask = 0o170000;

interface KeptEntry {
  readonly entry: ZipEntryInfo;
  /** Path inside `apiproxy/`. */
  readonly path: string;
}

/**
 * Every check that needs no inflation, over every entry (ignored ones too: a traversal name is refused wherever it
 * sits). Returns the entries to keep; throws a 400 BundleError listing every problem found.
 */
function selectEntries(entries: readonly ZipEntryInfo[], limits: BundleLimits, root: string): KeptEntry[] {
  const problems: BundleProblem[] = [];
  const kept: KeptEntry[] = [];
  const seen = new Map<string, string>();
  const folders = new Map<string, string>();
  for (const entry of entries) {
    const file = toDisplayName(entry.rawName);
    const check = checkEntryName(entry.rawName, limits, entry.nameBytes);
    if (!check.ok) {
      problems.push({ file, message: check.problem });
      continue;
    }
    if ((entry.unixMode & fileTypeMask) === symlinkMode) {
      problems.push({ file, message: 'symbolic links are not allowed in a bundle' });
      continue;
    }
    // compat §2.2 rule 2: only apiproxy/ (sharedflowbundle/ for a shared flow) counts; folders are implied by the files.
    if (check.segments[0] !== root || check.segments.length < 2 || entry.isDirectory) continue;
    const path = check.segments.slice(1).join('/');
    const key = toCollisionKey(path);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ file, message: `entry collides with ${earlier} (same path after normalization or case folding)` });
      continue;
    }
    seen.set(key, file);
    for (let i = 1; i < check.segments.length - 1; i++) folders.set(toCollisionKey(check.segments.slice(1, i + 1).join('/')), file);
    kept.push({ entry, path });
  }
  for (const { entry, path } of kept) {
    const folderOf = folders.get(toCollisionKey(path));
    if (folderOf !== undefined) problems.push({ file: toDisplayName(entry.rawName), message: `entry is both a file and a folder of ${folderOf}` });
  }
  problems.push(...findOverlaps(entries));
  if (problems.length > 0) throw new BundleError(problems);
  return kept;
}

/** Fifield-style bombs point several entries at one compressed kernel: no two entries may share bytes (§3.1). */
function findOverlaps(entries: readonly ZipEntryInfo[]): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const sorted = [...entries].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    if (current.start < previous.end) {
      problems.push({ file: toDisplayName(current.rawName), message: `entry overlaps the bytes of entry ${toDisplayName(previous.rawName)}` });
    }
  }
  return problems;
}

async function inflateEntry(entry: ZipEntryInfo, file: string, limits: BundleLimits, usedBytes: number): Promise<Uint8Array> {
  const byRatio = Math.max(limits.ratioThresholdBytes, entry.compressedSize * limits.maxRatio);
  const byTotal = limits.maxTotalBytes - usedBytes;
  const allowed = Math.min(limits.maxEntryBytes, byTotal, byRatio);
  const tooBig = (): BundleError => {
    const message = allowed === byTotal
      ? `bundle inflates past the total limit of ${limits.maxTotalBytes} bytes`
      : allowed === limits.maxEntryBytes
        ? `entry inflates past the limit of ${limits.maxEntryBytes} bytes`
        : `entry inflates more than ${limits.maxRatio} times its compressed size of ${entry.compressedSize} bytes`;
    return new BundleError([{ file, message }], { status: 413 });
  };
  let data: Uint8Array;
  if (entry.method === 'store') {
    data = entry.compressed.slice();
  } else {
    try {
      // maxOutputLength makes zlib stop as soon as the output passes the limit: header sizes are never trusted.
      const out = await inflateRawAsync(entry.compressed, { maxOutputLength: Math.max(1, allowed), chunkSize: inflateChunkBytes });
      // A small result is a view into zlib's chunk-sized buffer: copy it so that thousands of files do not pin 64 KiB each.
      data = out.byteLength === out.buffer.byteLength ? out : new Uint8Array(out);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig();
      throw new BundleError([{ file, message: `entry cannot be inflated: ${(err as Error).message}` }], { cause: err });
    }
  }
  if (data.byteLength > allowed) throw tooBig();
  if (data.byteLength !== entry.declaredSize || crc32(data) !== entry.crc32) {
    throw new BundleError([{ file, message: 'entry is corrupt: its size or CRC-32 does not match its header' }]);
  }
  return data;
}

/**
 * Reads the files under `apiproxy/` (or `options.root`) of a bundle zip. Entries elsewhere and folder entries are ignored; nested
 * archives stay plain files. Throws BundleError (413 for size limits, 400 otherwise) naming the offending entry.
 */
export async function readBundleZip(bytes: Uint8Array, limits?: Partial<BundleLimits>, options?: { readonly root?: 'apiproxy' | 'sharedflowbundle' }): Promise<BundleFiles> {
  const effective = toBundleLimits(limits);
  if (bytes.byteLength > effective.maxZipBytes) {
    throw new BundleError([{ file: archiveFile, message: `bundle of ${bytes.byteLength} bytes exceeds the limit of ${effective.maxZipBytes} bytes` }], { status: 413 });
  }
  let entries: ZipEntryInfo[];
  try {
    entries = listZipEntries(bytes, effective.maxEntries);
  } catch (err) {
    if (!(err instanceof ZipReadError)) throw err;
    throw new BundleError([{ file: archiveFile, message: err.message }], { status: err.tooMany ? 413 : 400, cause: err });
  }
  const kept = selectEntries(entries, effective, options?.root ?? 'apiproxy');
  const files: BundleFiles = new Map();
  let usedBytes = 0;
  for (const { entry, path } of kept) {
    const data = await inflateEntry(entry, toDisplayName(entry.rawName), effective, usedBytes);
    usedBytes += data.byteLength;
    files.set(path, data);
  }
  return files;
}
