// The per-file view of a revision (compat §2.4): which file a policy, endpoint or resource name means, and its listings.
import type { PolicyConfig, ProxyBundle, ProxyEndpointConfig, TargetEndpointConfig } from '../bundle/proxy-bundle.js';
import type { RevisionRecord } from './revision-records.js';

export type FileKind = 'policy' | 'proxy' | 'target' | 'resource';

/** Names one file of a revision: `name` is a policy or endpoint name, or a resource name (`type` then required). */
export interface FileRef {
  readonly kind: FileKind;
  readonly name: string;
  readonly type?: string;
}

export interface FileUpload extends FileRef {
  readonly bytes: Uint8Array;
}

interface FileBase {
  /** The XML `name` identity (policies, endpoints) or the resource name. */
  readonly name: string;
  /** Path inside `apiproxy/`. */
  readonly file: string;
  readonly bytes: Uint8Array;
}

export type RevisionFile =
  | (FileBase & { readonly kind: 'policy'; readonly parsed: PolicyConfig })
  | (FileBase & { readonly kind: 'proxy'; readonly parsed: ProxyEndpointConfig })
  | (FileBase & { readonly kind: 'target'; readonly parsed: TargetEndpointConfig })
  | (FileBase & { readonly kind: 'resource'; readonly type: string });

export type RevisionFileOf<K extends FileKind> = Extract<RevisionFile, { kind: K }>;

export interface ResourceName {
  readonly name: string;
  readonly type: string;
}

/** The folder inside `apiproxy/` that holds files of an XML kind. */
export const xmlFolders = { policy: 'policies', proxy: 'proxies', target: 'targets' } as const;

/** File name without its folder and `.xml`: the name tooling sends as `?name=` (compat §2.4). */
export function toFileBaseName(file: string): string {
  const last = file.slice(file.lastIndexOf('/') + 1);
  return last.toLowerCase().endsWith('.xml') ? last.slice(0, -'.xml'.length) : last;
}

/** Splits `type://name` (how records list resources). */
export function toResourceName(entry: string): ResourceName {
  const at = entry.indexOf('://');
  return { type: entry.slice(0, at), name: entry.slice(at + 3) };
}

/** Prefers the XML identity, then the file name, so `GET …/{name}` accepts either (compat §2.4, our choice). */
function findByName<T extends { readonly name: string; readonly file: string }>(items: readonly T[], name: string): T | undefined {
  return items.find((item) => item.name === name) ?? items.find((item) => toFileBaseName(item.file) === name);
}

export function findRevisionFile<K extends FileKind>(bundle: ProxyBundle, ref: FileRef & { readonly kind: K }): RevisionFileOf<K> | undefined;
export function findRevisionFile(bundle: ProxyBundle, ref: FileRef): RevisionFile | undefined {
  const withBytes = <T extends { readonly name: string; readonly file: string }>(item: T | undefined) =>
    item && { name: item.name, file: item.file, bytes: bundle.files.get(item.file) ?? new Uint8Array(), parsed: item };
  switch (ref.kind) {
    case 'policy': {
      const found = withBytes(findByName(bundle.policies, ref.name));
      return found && { kind: 'policy', ...found };
    }
    case 'proxy': {
      const found = withBytes(findByName(bundle.proxyEndpoints, ref.name));
      return found && { kind: 'proxy', ...found };
    }
    case 'target': {
      const found = withBytes(findByName(bundle.targetEndpoints, ref.name));
      return found && { kind: 'target', ...found };
    }
    case 'resource': {
      if (ref.type === undefined) return undefined;
      const bytes = bundle.resources.get(`${ref.type}://${ref.name}`);
      return bytes && { kind: 'resource', name: ref.name, type: ref.type, file: `resources/${ref.type}/${ref.name}`, bytes };
    }
  }
}

/** Names of one kind, sorted, from the record alone (no blob read). */
export function listRevisionFiles(record: RevisionRecord, kind: 'policy' | 'proxy' | 'target'): string[];
export function listRevisionFiles(record: RevisionRecord, kind: 'resource'): ResourceName[];
export function listRevisionFiles(record: RevisionRecord, kind: FileKind): string[] | ResourceName[] {
  switch (kind) {
    case 'policy':
      return [...record.policies];
    case 'proxy':
      return [...record.proxyEndpoints];
    case 'target':
      return [...record.targetEndpoints];
    case 'resource':
      return record.resources.map(toResourceName);
  }
}
