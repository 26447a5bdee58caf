// Lists every entry of a zip with its raw name and byte ranges, through jszip's own central-directory reader.
import { createRequire } from 'node:module';

/**
 * jszip's public `loadAsync` rewrites names (`../x` → `x`) and keeps only the last of two entries that collapse to
 * one name, so it cannot see traversal duplicates or overlapping entries. Its internal `ZipEntries` reader (stable
 * across 3.x) exposes every central-directory record as stored; these are the fields of it Baton reads.
 */
interface JszipEntry {
  readonly fileName: Uint8Array;
  readonly fileNameStr: string;
  readonly dir: boolean;
  readonly bitFlag: number;
  readonly compressionMethod: string;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly externalFileAttributes: number;
  readonly localHeaderOffset: number;
  readonly diskNumberStart: number;
  readonly decompressed: { readonly compressedContent: Uint8Array };
}

interface JszipEntries {
  readonly files: JszipEntry[];
  readonly reader: { readonly zero: number };
  readonly centralDirRecords: number;
  readonly diskNumber: number;
  readonly diskWithCentralDirStart: number;
  prepareReader(data: Uint8Array): void;
  readEndOfCentral(): void;
  readCentralDir(): void;
  readLocalFiles(): void;
}

type JszipEntriesConstructor = new (options: { decodeFileName: (bytes: Uint8Array) => string }) => JszipEntries;

const ZipEntries = createRequire(import.meta.url)('jszip/lib/zipEntries') as JszipEntriesConstructor;

export type ZipMethod = 'store' | 'deflate';

export interface ZipEntryInfo {
  /** Name exactly as stored in the local header (what an extractor would use), decoded as UTF-8. */
  readonly rawName: string;
  readonly nameBytes: number;
  readonly isDirectory: boolean;
  /** Unix mode from the high 16 bits of the external attributes (0 when none was stored). */
  readonly unixMode: number;
  readonly method: ZipMethod;
  readonly crc32: number;
  readonly compressedSize: number;
  /** Declared in the headers; never trusted as a limit. */
  readonly declaredSize: number;
  /** Byte range of the local header plus data inside the zip, for the overlap check. */
  readonly start: number;
  readonly end: number;
  readonly compressed: Uint8Array;
}

/** Thrown when the archive itself cannot be read; `tooMany` marks an entry-count refusal (a size limit). */
export class ZipReadError extends Error {
  override name = 'ZipReadError';
  readonly tooMany: boolean;
  constructor(message: string, options?: { tooMany?: boolean; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.tooMany = options?.tooMany ?? false;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Reads the central directory and local headers (no inflation), refusing more than `maxEntries` entries before reading local headers. */
export function listZipEntries(bytes: Uint8Array, maxEntries: number): ZipEntryInfo[] {
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zip = new ZipEntries({ decodeFileName: (b) => utf8.decode(b) });
  try {
    zip.prepareReader(data);
    zip.readEndOfCentral();
  } catch (err) {
    throw new ZipReadError(`not a readable zip: ${(err as Error).message}`, { cause: err });
  }
  if (zip.diskNumber !== 0 || zip.diskWithCentralDirStart !== 0) throw new ZipReadError('multi-disk zip archives are not supported');
  if (zip.centralDirRecords > maxEntries) throw new ZipReadError(`zip declares ${zip.centralDirRecords} entries, over the limit of ${maxEntries}`, { tooMany: true });
  try {
    zip.readCentralDir();
  } catch (err) {
    throw new ZipReadError(`not a readable zip: ${(err as Error).message}`, { cause: err });
  }
  if (zip.files.length > maxEntries) throw new ZipReadError(`zip holds ${zip.files.length} entries, over the limit of ${maxEntries}`, { tooMany: true });
  if (zip.files.some((f) => f.diskNumberStart !== 0)) throw new ZipReadError('multi-disk zip archives are not supported');
  try {
    zip.readLocalFiles();
  } catch (err) {
    throw new ZipReadError(`not a readable zip: ${(err as Error).message}`, { cause: err });
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return zip.files.map((f) => {
    const start = zip.reader.zero + f.localHeaderOffset;
    // APPNOTE 4.3.7: the local header is 30 fixed bytes, then the name and the extra field.
    const headerBytes = 30 + view.getUint16(start + 26, true) + view.getUint16(start + 28, true);
    return {
      rawName: f.fileNameStr,
      // The Unicode-path extra field may replace the stored name: count whichever is longer.
      nameBytes: Math.max(f.fileName.length, Buffer.byteLength(f.fileNameStr)),
      isDirectory: f.dir,
      unixMode: (f.externalFileAttributes >>> 16) & 0xffff,
      method: f.compressionMethod === '\x00\x00' ? 'store' : 'deflate',
      crc32: f.crc32 >>> 0,
      compressedSize: f.compressedSize,
      declaredSize: f.uncompressedSize,
      start,
      end: start + headerBytes + f.compressedSize,
      compressed: f.decompressed.compressedContent,
    } satisfies ZipEntryInfo;
  });
}
