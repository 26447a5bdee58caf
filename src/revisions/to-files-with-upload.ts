// Applies one per-file upload or deletion (compat §2.4) to a revision's files, refusing unsafe names and unreadable XML.
import type { BundleLimits } from '../bundle/bundle-limits.js';
import { checkEntryName, toDisplayName } from '../bundle/check-entry-name.js';
import { parseXml } from '../bundle/parse-xml.js';
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import type { BundleFiles } from '../bundle/read-bundle-zip.js';
import { attr } from '../bundle/xml-element.js';
import { AdminError, BundleError } from '../errors.js';
import { findRevisionFile, toFileBaseName, xmlFolders, type FileRef, type FileUpload } from './find-revision-file.js';

type NameLimits = Pick<BundleLimits, 'maxNameBytes' | 'maxDepth'>;

const rootElements = { proxy: 'ProxyEndpoint', target: 'TargetEndpoint' } as const;

/** `path` as given, when it is a safe entry name (same checks as the bundle reader); a 400 BundleError otherwise. */
function assertSafePath(path: string, limits: NameLimits): void {
  const check = checkEntryName(`apiproxy/${path}`, limits);
  const problem = !check.ok ? check.problem : check.path !== `apiproxy/${path}` ? 'name is not in canonical form' : undefined;
  if (problem !== undefined) throw new BundleError([{ file: toDisplayName(path), message: problem }]);
}

function toResourcePath(ref: FileRef, limits: NameLimits): string {
  if (ref.type === undefined || ref.type === '') throw new AdminError('InvalidParameter', ['type: a resource file needs a type (jsc, xsl, …)']);
  if (ref.type.includes('/')) throw new BundleError([{ file: toDisplayName(`resources/${ref.type}`), message: 'resource type contains a "/"' }]);
  if (ref.name === '') throw new AdminError('InvalidParameter', ['name: a resource file needs a name']);
  const path = `resources/${ref.type}/${ref.name}`;
  assertSafePath(path, limits);
  return path;
}

/** The upload's XML file name and identity; throws 400 for malformed XML, a wrong root element or no name at all. */
function readXmlUpload(upload: FileUpload & { kind: 'policy' | 'proxy' | 'target' }, limits: NameLimits): { fileName: string; identity: string } {
  const folder = xmlFolders[upload.kind];
  const shownFile = `${folder}/${upload.name || '(upload)'}.xml`;
  let root;
  try {
    root = parseXml(upload.bytes);
  } catch (err) {
    throw new BundleError([{ file: toDisplayName(shownFile), message: (err as Error).message }], { cause: err });
  }
  if (upload.kind !== 'policy' && root.name !== rootElements[upload.kind]) {
    throw new BundleError([{ file: toDisplayName(shownFile), message: `root element is ${root.name}, expected ${rootElements[upload.kind]}` }]);
  }
  const declared = attr(root, 'name')?.trim() ?? '';
  const identity = declared || upload.name;
  // compat §2.4: a policy is named by its XML attribute only; endpoints are stored under the `?name=` parameter.
  const fileName = upload.kind === 'policy' ? identity : upload.name || identity;
  if (fileName === '') throw new AdminError('InvalidParameter', [`name: the ${root.name} has no name attribute and no name parameter was given`]);
  if (fileName.includes('/')) throw new BundleError([{ file: toDisplayName(shownFile), message: `name ${JSON.stringify(fileName)} contains a "/"` }]);
  assertSafePath(`${folder}/${fileName}.xml`, limits);
  return { fileName, identity };
}

/**
 * The files after `upload` replaced or added its file. A policy or endpoint upload also replaces any file holding
 * the same identity, so that one name never ends up defined twice.
 */
export function toFilesWithUpload(files: BundleFiles, bundle: ProxyBundle, upload: FileUpload, limits: BundleLimits): BundleFiles {
  const maxFileBytes = Math.min(limits.maxZipBytes, limits.maxEntryBytes);
  if (upload.bytes.byteLength > maxFileBytes) {
    throw new BundleError([{ file: toDisplayName(upload.name || upload.kind), message: `file of ${upload.bytes.byteLength} bytes exceeds the limit of ${maxFileBytes} bytes` }], { status: 413 });
  }
  const next: BundleFiles = new Map(files);
  if (upload.kind === 'resource') {
    next.set(toResourcePath(upload, limits), upload.bytes);
    return next;
  }
  const { fileName, identity } = readXmlUpload({ ...upload, kind: upload.kind }, limits);
  const folder = xmlFolders[upload.kind];
  const existing = upload.kind === 'policy' ? bundle.policies : upload.kind === 'proxy' ? bundle.proxyEndpoints : bundle.targetEndpoints;
  for (const item of existing) if (item.name === identity || toFileBaseName(item.file) === fileName) next.delete(item.file);
  next.set(`${folder}/${fileName}.xml`, upload.bytes);
  return next;
}

/** The files without the one `ref` names; 404 when there is none. */
export function toFilesWithout(files: BundleFiles, bundle: ProxyBundle, ref: FileRef): BundleFiles {
  if (ref.kind === 'resource' && (ref.type === undefined || ref.type === '')) throw new AdminError('InvalidParameter', ['type: a resource file needs a type (jsc, xsl, …)']);
  const found = findRevisionFile(bundle, ref);
  if (!found) {
    const where = ref.kind === 'resource' ? `resources/${ref.type}/${ref.name}` : `${xmlFolders[ref.kind]}/${ref.name}`;
    throw new AdminError('ResourceNotFound', [toDisplayName(where)]);
  }
  const next: BundleFiles = new Map(files);
  next.delete(found.file);
  return next;
}
