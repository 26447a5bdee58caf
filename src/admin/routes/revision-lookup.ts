// Finds the API proxy or revision a management path names, or answers the compat §5 error for it.
import { AdminError } from '../../errors.js';
import type { ApiRecord, RevisionRecord } from '../../revisions/revision-records.js';
import type { AdminDeps } from '../admin-deps.js';

/** A revision path parameter: a positive decimal integer, else 400 InvalidParameter. */
export function parseRevisionParam(value: string): number {
  const revision = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(revision) || revision < 1) {
    throw new AdminError('InvalidParameter', [`Invalid revision ${JSON.stringify(value)}: expected a positive integer`]);
  }
  return revision;
}

/** Throws 404 ApplicationDoesNotExist. */
export function resolveApi(deps: Pick<AdminDeps, 'revisions'>, organization: string, api: string): ApiRecord {
  const record = deps.revisions.getApi(organization, api);
  if (!record) throw new AdminError('ApplicationDoesNotExist', [api, organization]);
  return record;
}

/** Throws 404 ApplicationDoesNotExist, then RevisionDoesNotExist. */
export function resolveRevision(deps: Pick<AdminDeps, 'revisions'>, organization: string, api: string, revision: number): RevisionRecord {
  resolveApi(deps, organization, api);
  const record = deps.revisions.getRevision(organization, api, revision);
  if (!record) throw new AdminError('RevisionDoesNotExist', [revision, api, organization]);
  return record;
}
