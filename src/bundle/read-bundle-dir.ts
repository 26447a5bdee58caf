// Reads a bundle from a folder (`bundles/hello` or its `apiproxy/`; a shared flow's `sharedflowbundle/`) with the zip reader's limits; refuses symlinks.
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BundleError, type BundleProblem } from '../errors.js';
import { toBundleLimits, type BundleLimits } from './bundle-limits.js';
import { checkEntryName, toCollisionKey } from './check-entry-name.js';
import type { BundleFiles } from './read-bundle-zip.js';

export type BundleRoot = 'apiproxy' | 'sharedflowbundle';

async function findRootFolder(dir: string, rootName: BundleRoot): Promise<string> {
  if (basename(dir) === rootName) return dir;
  const inner = join(dir, rootName);
  const info = await lstat(inner).catch(() => undefined);
  if (info?.isSymbolicLink()) throw new BundleError([{ file: rootName, message: 'symbolic links are not allowed in a bundle' }]);
  if (info?.isDirectory()) return inner;
  throw new BundleError([{ file: dir, message: `no ${rootName} folder found` }]);
}

/**
 * Reads every file under `apiproxy/`, keyed like readBundleZip's result. Symlinks, special files, unsafe or
 * colliding names are refused with 400; the entry, per-file and total limits with 413.
 */
export async function readBundleDir(dir: string, limits?: Partial<BundleLimits>, options?: { readonly root?: BundleRoot }): Promise<BundleFiles> {
  const effective = toBundleLimits(limits);
  const rootName = options?.root ?? 'apiproxy';
  const root = await findRootFolder(dir, rootName);
  if (!(await stat(root)).isDirectory()) throw new BundleError([{ file: root, message: 'not a folder' }]);
  const problems: BundleProblem[] = [];
  const files: BundleFiles = new Map();
  const seen = new Map<string, string>();
  let entryCount = 0;
  let totalBytes = 0;
  const tooBig = (file: string, message: string): BundleError => new BundleError([{ file, message }], { status: 413 });

  const walk = async (folder: string, prefix: string): Promise<void> => {
    const entries: Dirent[] = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = prefix + entry.name;
      const file = `${rootName}/${path}`;
      if (++entryCount > effective.maxEntries) throw tooBig(file, `bundle holds more than ${effective.maxEntries} entries`);
      const check = checkEntryName(file, effective);
      if (!check.ok) {
        problems.push({ file, message: check.problem });
        continue;
      }
      const key = toCollisionKey(path);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.push({ file, message: `entry collides with ${earlier} (same path after case folding)` });
        continue;
      }
      seen.set(key, file);
      const full = join(folder, entry.name);
      // lstat, not the Dirent type: the entry may have been replaced since readdir.
      const info = await lstat(full);
      if (info.isSymbolicLink()) problems.push({ file, message: 'symbolic links are not allowed in a bundle' });
      else if (info.isDirectory()) await walk(full, `${path}/`);
      else if (!info.isFile()) problems.push({ file, message: 'not a regular file' });
      else {
        if (info.size > effective.maxEntryBytes) throw tooBig(file, `file of ${info.size} bytes exceeds the limit of ${effective.maxEntryBytes} bytes`);
        const data = await readFile(full);
        if (data.byteLength > effective.maxEntryBytes) throw tooBig(file, `file exceeds the limit of ${effective.maxEntryBytes} bytes`);
        totalBytes += data.byteLength;
        if (totalBytes > effective.maxTotalBytes) throw tooBig(file, `bundle exceeds the total limit of ${effective.maxTotalBytes} bytes`);
        files.set(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
    }
  };
  await walk(root, '');
  if (problems.length > 0) throw new BundleError(problems);
  return files;
}
