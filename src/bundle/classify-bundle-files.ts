// Sorts the files of a bundle by role (compat §6.1): root XML files, the XML files of each named folder, resources.
import type { BundleFiles } from './read-bundle-zip.js';

export interface BundleXmlFile {
  readonly file: string;
  /** File name without `.xml`: the fallback name of a policy, an endpoint or a SharedFlow. */
  readonly baseName: string;
}

export interface ClassifiedBundleFiles<F extends string> {
  readonly roots: BundleXmlFile[];
  /** The XML files directly inside each named folder; other folders (`manifests/`, unknown ones) are not read. */
  readonly folders: Record<F, BundleXmlFile[]>;
  /** Resource files keyed `type://path`. */
  readonly resources: Map<string, Uint8Array>;
}

const isXml = (name: string): boolean => name.toLowerCase().endsWith('.xml');
const toBaseName = (name: string): string => name.slice(0, -'.xml'.length);

/** Files in sorted order, so that problems and lists come out the same for the same bundle. */
export function classifyBundleFiles<F extends string>(files: BundleFiles, folderNames: readonly F[]): ClassifiedBundleFiles<F> {
  const roots: BundleXmlFile[] = [];
  const folders = new Map<string, BundleXmlFile[]>(folderNames.map((name) => [name, []]));
  const resources = new Map<string, Uint8Array>();
  for (const file of [...files.keys()].sort()) {
    const segments = file.split('/');
    const last = segments[segments.length - 1]!;
    if (segments.length === 1 && isXml(last)) roots.push({ file, baseName: toBaseName(last) });
    else if (segments.length === 2 && isXml(last)) folders.get(segments[0]!)?.push({ file, baseName: toBaseName(last) });
    else if (segments.length >= 3 && segments[0] === 'resources') resources.set(`${segments[1]}://${segments.slice(2).join('/')}`, files.get(file)!);
  }
  return { roots, folders: Object.fromEntries(folders) as Record<F, BundleXmlFile[]>, resources };
}
