// The APIProxy JSON of the management API (compat §2.5.1).
import type { ApiRecord, RevisionRecord } from './revision-records.js';

export interface ApiView {
  readonly metaData: {
    readonly createdAt: number;
    readonly createdBy: string;
    readonly lastModifiedAt: number;
    readonly lastModifiedBy: string;
    readonly subType: string;
  };
  readonly name: string;
  /** Revision numbers as strings, ascending (compat §1.5). */
  readonly revision: string[];
}

export function toApiView(api: ApiRecord, revisions: readonly Pick<RevisionRecord, 'revision'>[]): ApiView {
  return {
    metaData: {
      createdAt: api.createdAt,
      createdBy: api.createdBy,
      lastModifiedAt: api.lastModifiedAt,
      lastModifiedBy: api.lastModifiedBy,
      // Edge sends the string "null" here.
      subType: 'null',
    },
    name: api.name,
    revision: revisions.map((r) => r.revision).sort((a, b) => a - b).map(String),
  };
}
