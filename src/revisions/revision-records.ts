// Stored records of API proxies and their revisions, the keys they are stored under, and how a record is built.
import type { BundleProblem } from '../errors.js';
import type { ProxyBundle } from '../bundle/proxy-bundle.js';

export const APIS = 'apis';
export const REVISIONS = 'revisions';

export interface ApiRecord {
  readonly organization: string;
  readonly name: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
  /**
   * Highest revision number ever committed for this API: numbers are never handed out twice, even after the
   * highest revision is deleted. Records written before this field existed lack it (read it with `?? 0`).
   */
  readonly highestRevision: number;
}

export interface RevisionRecord {
  readonly organization: string;
  readonly api: string;
  readonly revision: number;
  /** sha-256 of the stored zip (the blob's key): the imported bytes, or the rebuilt zip after an edit. */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
  readonly displayName: string | undefined;
  readonly description: string | undefined;
  readonly basepaths: readonly string[];
  /** XML `name` identities, sorted. */
  readonly policies: readonly string[];
  readonly proxyEndpoints: readonly string[];
  readonly targetEndpoints: readonly string[];
  /** `type://name` of every resource file, sorted. */
  readonly resources: readonly string[];
  /** Why the revision cannot be deployed yet (empty when it can). */
  readonly problems: readonly BundleProblem[];
}

/** What a revision record is built from: its stored identity and times, plus its parsed content. */
export type RevisionRecordInput = Pick<RevisionRecord,
  'organization' | 'api' | 'revision' | 'sha256' | 'sizeBytes' | 'createdAt' | 'createdBy' | 'lastModifiedAt' | 'lastModifiedBy' | 'problems'
> & { readonly bundle: ProxyBundle };

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function toRevisionRecord(input: RevisionRecordInput): RevisionRecord {
  const { bundle, ...rest } = input;
  return {
    organization: rest.organization,
    api: rest.api,
    revision: rest.revision,
    sha256: rest.sha256,
    sizeBytes: rest.sizeBytes,
    createdAt: rest.createdAt,
    createdBy: rest.createdBy,
    lastModifiedAt: rest.lastModifiedAt,
    lastModifiedBy: rest.lastModifiedBy,
    displayName: bundle.displayName,
    description: bundle.description,
    basepaths: bundle.basepaths,
    policies: bundle.policies.map((p) => p.name).sort(byCodeUnit),
    proxyEndpoints: bundle.proxyEndpoints.map((p) => p.name).sort(byCodeUnit),
    targetEndpoints: bundle.targetEndpoints.map((t) => t.name).sort(byCodeUnit),
    resources: [...bundle.resources.keys()].sort(byCodeUnit),
    problems: rest.problems,
  };
}

/** A revision can be deployed once nothing is missing or wrong; a root-only import is not, until it is completed. */
export function isDeployable(record: RevisionRecord): boolean {
  return record.problems.length === 0;
}

export function toApiKey(organization: string, api: string): string {
  return `${organization}/${api}`;
}

/** Zero-padded so that the store's key order is numeric order. */
export function toRevisionKey(organization: string, api: string, revision: number): string {
  return `${organization}/${api}/${String(revision).padStart(10, '0')}`;
}

/** Proxy names use `A-Za-z0-9._-` (compat §1.5). */
export function isValidApiName(name: string): boolean {
  return /^[A-Za-z0-9._-]{1,255}$/.test(name) && name !== '.' && name !== '..';
}
