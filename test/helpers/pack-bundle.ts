// Test helpers that build bundle zips: packBundle for well-formed ones, rawZip for hand-crafted malicious ones.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import JSZip from 'jszip';

async function readTree(dir: string): Promise<Map<string, Uint8Array>> {
  // A folder holding apiproxy/ is zipped as is; the apiproxy folder itself gets the prefix back.
  const prefix = basename(dir) === 'apiproxy' ? 'apiproxy/' : '';
  const files = new Map<string, Uint8Array>();
  const names = (await readdir(dir, { recursive: true })).sort();
  for (const name of names) {
    const full = join(dir, name);
    if ((await stat(full)).isFile()) files.set(prefix + relative(dir, full).split(sep).join('/'), await readFile(full));
  }
  return files;
}

/**
 * Zips a bundle folder (`bundles/hello`, holding `apiproxy/`) or a map of `apiproxy/...` paths, after applying
 * `edits` (same keys; null deletes a file).
 */
export async function packBundle(source: string | Record<string, string | Uint8Array>, edits?: Record<string, string | Uint8Array | null>): Promise<Uint8Array> {
  const files = new Map<string, string | Uint8Array>(typeof source === 'string' ? await readTree(source) : Object.entries(source));
  for (const [name, content] of Object.entries(edits ?? {})) {
    if (content === null) files.delete(name);
    else files.set(name, content);
  }
  const zip = new JSZip();
  const date = new Date(Date.UTC(2020, 0, 1));
  for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    zip.file(name, content, { date, createFolders: false });
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

export interface RawZipEntry {
  /** Stored byte for byte (UTF-8), with no normalization: may hold `..`, `\`, NUL, `__proto__`. */
  name: string;
  data: Uint8Array | string;
  /** Full Unix mode stored in the external attributes, e.g. 0o120777 for a symlink. */
  unixPermissions?: number;
  /** Default deflate. */
  method?: 'store' | 'deflate';
  /** Uncompressed size written in the headers instead of the real one (a lying header). */
  declaredSize?: number;
  /** Sets the encryption flag (the data is not actually encrypted). */
  encrypted?: boolean;
  /** Points this entry's central record at the local header of an earlier entry (overlapping entries). */
  localHeaderOf?: number;
}

/** Writes a zip exactly as told, including things no honest zip tool would write. */
export async function rawZip(entries: RawZipEntry[]): Promise<Uint8Array> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const plain = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : Buffer.from(e.data);
    const method = e.method ?? 'deflate';
    const body = method === 'store' ? plain : deflateRawSync(plain);
    const flags = 0x0800 | (e.encrypted ? 0x0001 : 0);
    const size = e.declaredSize ?? plain.length;
    const crc = crc32(plain);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method === 'store' ? 0 : 8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const localOffset = e.localHeaderOf !== undefined ? offsets[e.localHeaderOf]! : offset;
    offsets.push(localOffset);
    if (e.localHeaderOf === undefined) {
      locals.push(local, name, body);
      offset += local.length + name.length + body.length;
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.unixPermissions !== undefined ? 0x031e : 0x0014, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method === 'store' ? 0 : 8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.unixPermissions ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(localOffset, 42);
    centrals.push(central, name);
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, centralBytes, end]));
}
