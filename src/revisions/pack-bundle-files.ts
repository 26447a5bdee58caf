// Zips a revision's files back into a bundle after an edit: deterministic bytes, like packBundleDir.
import JSZip from 'jszip';
import type { BundleFiles } from '../bundle/read-bundle-zip.js';

// Fixed timestamp so that the same files always give the same bytes, hence the same blob and sha-256.
const entryDate = new Date(Date.UTC(2020, 0, 1));

/** Zips `files` (keyed by path inside `apiproxy/`) as `apiproxy/...` entries, sorted by path, DEFLATE. */
export async function packBundleFiles(files: BundleFiles): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const path of [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    zip.file(`apiproxy/${path}`, files.get(path)!, { date: entryDate, createFolders: false, binary: true });
  }
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
}
