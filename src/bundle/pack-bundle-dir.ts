// Zips a bundle folder for `baton bundle pack`: the same checks as import, deterministic bytes.
import JSZip from 'jszip';
import { readBundleDir } from './read-bundle-dir.js';

// Fixed timestamp so that packing the same folder twice gives the same bytes.
const entryDate = new Date(Date.UTC(2020, 0, 1));

/** Reads `dir` (holding `apiproxy/`, or the `apiproxy` folder itself) and zips it as `apiproxy/...` entries, sorted, DEFLATE. */
export async function packBundleDir(dir: string): Promise<Uint8Array> {
  const files = await readBundleDir(dir);
  const zip = new JSZip();
  for (const path of [...files.keys()].sort()) {
    zip.file(`apiproxy/${path}`, files.get(path)!, { date: entryDate, createFolders: false, binary: true });
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
}
