// The API proxy revision JSON of the management API (compat §2.5.2): import response, GET and DELETE of a revision.
import { createHash } from 'node:crypto';
import { toResourceName, type ResourceName } from './find-revision-file.js';
import type { RevisionRecord } from './revision-records.js';

export interface RevisionView {
  readonly basepaths: string[];
  readonly configurationVersion: { readonly majorVersion: number; readonly minorVersion: number };
  readonly contextInfo: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly description: string;
  readonly displayName: string;
  /** The same metadata with every value a string (compat §1.5). */
  readonly entityMetaDataAsProperties: {
    readonly bundle_type: string;
    readonly createdAt: string;
    readonly createdBy: string;
    readonly lastModifiedAt: string;
    readonly lastModifiedBy: string;
    readonly subType: string;
  };
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
  readonly manifestVersion: string;
  readonly name: string;
  readonly policies: string[];
  readonly proxies: string[];
  readonly proxyEndpoints: string[];
  readonly resourceFiles: { readonly resourceFile: ResourceName[] };
  readonly resources: string[];
  /** A string: clients parse it as an integer (compat §1.5). */
  readonly revision: string;
  readonly sharedFlows: string[];
  readonly spec: string;
  readonly targetEndpoints: string[];
  readonly targetServers: string[];
  readonly targets: string[];
  readonly type: 'Application';
}

/** A SHA-512 derived from the stored zip's sha-256: it changes exactly when the content does. */
export function toManifestVersion(sha256: string): string {
  return `SHA-512:${createHash('sha512').update(sha256).digest('hex')}`;
}

const sorted = (names: readonly string[]): string[] => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function toRevisionView(record: RevisionRecord, organization: string = record.organization): RevisionView {
  const resources = sorted(record.resources);
  return {
    basepaths: [...record.basepaths],
    configurationVersion: { majorVersion: 4, minorVersion: 0 },
    contextInfo: `Revision ${record.revision} of application ${record.api}, in organization ${organization}`,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    // compat §2.5.2 (our choice): both default to the proxy name when the root XML has none.
    description: record.description ?? record.api,
    displayName: record.displayName ?? record.api,
    entityMetaDataAsProperties: {
      bundle_type: 'zip',
      createdAt: String(record.createdAt),
      createdBy: record.createdBy,
      lastModifiedAt: String(record.lastModifiedAt),
      lastModifiedBy: record.lastModifiedBy,
      subType: 'null',
    },
    lastModifiedAt: record.lastModifiedAt,
    lastModifiedBy: record.lastModifiedBy,
    manifestVersion: toManifestVersion(record.sha256),
    name: record.api,
    policies: sorted(record.policies),
    proxies: sorted(record.proxyEndpoints),
    proxyEndpoints: sorted(record.proxyEndpoints),
    resourceFiles: { resourceFile: resources.map(toResourceName) },
    resources,
    revision: String(record.revision),
    sharedFlows: [],
    spec: '',
    targetEndpoints: sorted(record.targetEndpoints),
    targetServers: [],
    targets: sorted(record.targetEndpoints),
    type: 'Application',
  };
}
