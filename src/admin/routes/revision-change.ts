// Runs a change of a stored revision's content the one safe way: deployments held still, then the revision locked.
import type { RevisionRecord } from '../../revisions/revision-records.js';
import type { StagedRevisionChange } from '../../revisions/revision-service.js';
import type { AdminDeps } from '../admin-deps.js';

export type ApplyRevisionChange = (staged: StagedRevisionChange) => Promise<RevisionRecord>;

/**
 * `task` stages the change (revisions.stage*) and hands it to `apply`, which compiles it wherever the revision is
 * deployed before storing it, so a deployed revision serves the new content on its next request, and a change
 * that cannot run there stores nothing. Lock order is the deployment service's: its lock, then the revision's.
 */
export function runRevisionChange<T>(deps: Pick<AdminDeps, 'deployments' | 'revisions'>, organization: string, api: string, revision: number, task: (apply: ApplyRevisionChange) => Promise<T>): Promise<T> {
  return deps.deployments.changeRevision((apply) => deps.revisions.withRevisionLock(organization, api, revision, () => task(apply)));
}
