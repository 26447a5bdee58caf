// Zips a bundle folder for `baton bundle pack`: the same checks as import, deterministic bytes.
import JSZip from 'jszip';
import { readBundleDir, type BundleRoot } from './read-bundle-dir.js';

// Fixed timestamp so that packing the same folder twice gives the same bytes.
const entryDate = new Date(Date.UTC(2020, 0, 1));

/** Reads `dir` (holding `apiproxy/`, or the `apiproxy` folder itself; `sharedflowbundle/` with that root) and zips it as `<root>/...` entries, sorted, DEFLATE. */
export async function packBundleDir(dir: string, options?: { readonly root?: BundleRoot }): Promise<Uint8Array> {
  const root = options?.root ?? 'apiproxy';
  const files = await readBundleDir(dir, undefined, { root });
  const zip = new JSZip();
  for (const path of [...files.keys()].sort()) {
    zip.file(`${root}/${path}`, files.get(path)!, { date: entryDate, createFolders: false, binary: true });
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
}
