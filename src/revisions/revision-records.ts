// Stored records of API proxies and their immutable revisions, and the keys they are stored under.
import type { BundleProblem } from '../errors.js';

export const APIS = 'apis';
export const REVISIONS = 'revisions';

export interface ApiRecord {
  readonly organization: string;
  readonly name: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
}

export interface RevisionRecord {
  readonly organization: string;
  readonly api: string;
  readonly revision: number;
  /** sha-256 of the zip exactly as imported (the blob's key). */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
  readonly displayName: string | undefined;
  readonly description: string | undefined;
  readonly basepaths: readonly string[];
  readonly policies: readonly string[];
  readonly proxyEndpoints: readonly string[];
  readonly targetEndpoints: readonly string[];
  /** `type://name` of every resource file. */
  readonly resources: readonly string[];
  /** Why the revision cannot be deployed yet (empty when it can). */
  readonly problems: readonly BundleProblem[];
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
