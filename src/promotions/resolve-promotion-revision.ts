// Which revision a promotion request carries: the one named, or the one deployed in the source environment.
import type { DeploymentRecord } from '../deployments/deployment-records.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import { AdminError } from '../errors.js';
import type { RevisionService } from '../revisions/revision-service.js';

export interface PromotedRevision {
  readonly revision: number;
  /** Its deployment base path in the source environment. */
  readonly basePath: string;
}

/**
 * Without `revision`: the single revision serving in `from` (ApplicationNotDeployed 400 when none does,
 * AmbiguousRevision 400 listing them when several do). With it: that revision, which must exist (404) and serve
 * in `from` (RevisionNotDeployed 400), so that a promotion only ever carries what ran in its source environment.
 * A revision waiting for a delayed undeploy no longer counts as deployed there.
 */
export function resolvePromotionRevision(
  deps: { readonly deployments: Pick<DeploymentService, 'list'>; readonly revisions: Pick<RevisionService, 'getRevision'> },
  input: { readonly organization: string; readonly api: string; readonly from: string; readonly revision: string | undefined },
): PromotedRevision {
  const { organization, api, from } = input;
  const serving = deps.deployments.list(organization, { environment: from, api }).filter((r) => r.undeployAt === undefined);
  if (input.revision === undefined) {
    const [only, ...others] = serving;
    if (!only) throw new AdminError('ApplicationNotDeployed', [api, from]);
    if (others.length > 0) {
      const numbers = serving.map((r) => String(r.revision));
      throw new AdminError('AmbiguousPromotionRevision', [numbers.join(', '), api, from], { details: { revisions: numbers } });
    }
    return toPromoted(only);
  }
  const raw = input.revision;
  const revision = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !deps.revisions.getRevision(organization, api, revision)) {
    throw new AdminError('RevisionDoesNotExist', [raw.slice(0, 64), api, organization]);
  }
  const deployed = serving.find((r) => r.revision === revision);
  if (!deployed) throw new AdminError('RevisionNotDeployed', [revision, api, from]);
  return toPromoted(deployed);
}

function toPromoted(record: DeploymentRecord): PromotedRevision {
  return { revision: record.revision, basePath: record.basePath };
}
