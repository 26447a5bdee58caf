// Turns a proxy group into one environment change: each member's revision and base path, what it replaces, what departs.
import type { LeftoverRevisionPolicy } from '../config.js';
import type { EnvironmentChange } from '../deployments/apply-environment-change.js';
import type { DeploymentRecord } from '../deployments/deployment-records.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import { AdminError, BundleError } from '../errors.js';
import { findMissingResources } from '../promotions/find-missing-resources.js';
import type { RevisionRecord } from '../revisions/revision-records.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { ProxyGroupMember, ProxyGroupRecord } from './proxy-group-records.js';

export interface PlanContext {
  readonly revisions: Pick<RevisionService, 'getApi' | 'getRevision' | 'listRevisions' | 'loadBundle'>;
  readonly deployments: Pick<DeploymentService, 'list'>;
  readonly leftoverRevisions: LeftoverRevisionPolicy;
}

export interface GroupMemberPlan {
  readonly api: string;
  readonly revision: number;
  readonly basePath: string;
  /** Revisions of the proxy the deploy takes out: those at the member's base path (an override), and leftovers when configured so. */
  readonly replaces: readonly number[];
  /** Revisions of the proxy that stay deployed at other base paths (`deployments.leftoverRevisions` is `keep`). */
  readonly leftovers: readonly DeploymentRecord[];
}

export interface GroupDeploymentPlan {
  readonly members: readonly GroupMemberPlan[];
  /** Proxies the group deployed earlier that are no longer members: their group deployments are undeployed. */
  readonly departed: ReadonlyArray<{ readonly api: string; readonly revisions: readonly number[] }>;
  readonly changes: readonly EnvironmentChange[];
}

/** A member that cannot be deployed: 400 (the revision itself) or 409 (the environment or what is deployed there). */
export function toMemberError(kind: 'invalid' | 'conflict', group: ProxyGroupRecord, environment: string, api: string, revision: number | undefined, reason: string, cause?: unknown): AdminError {
  const shown = revision === undefined ? 'latest' : String(revision);
  return new AdminError(kind === 'invalid' ? 'ProxyGroupMemberInvalid' : 'ProxyGroupMemberConflict', [group.name, environment, api, shown, reason], {
    cause, details: { member: api, revision: shown, reason },
  });
}

/** Still deployed and taking traffic (or an undeploy with a delay that still serves). */
export function isServing(record: DeploymentRecord): boolean {
  return record.undeployAt === undefined || record.servesUntilUndeploy === true;
}

function resolveRevision(context: PlanContext, group: ProxyGroupRecord, environment: string, member: ProxyGroupMember): RevisionRecord {
  const { organization } = group;
  if (!context.revisions.getApi(organization, member.api)) {
    throw toMemberError('invalid', group, environment, member.api, member.revision, `APIProxy ${member.api} does not exist`);
  }
  const record = member.revision === undefined
    ? context.revisions.listRevisions(organization, member.api).at(-1)
    : context.revisions.getRevision(organization, member.api, member.revision);
  if (!record) throw toMemberError('invalid', group, environment, member.api, member.revision, member.revision === undefined ? 'the proxy has no revision' : 'the revision does not exist');
  if (record.problems.length > 0) {
    throw toMemberError('invalid', group, environment, member.api, record.revision, record.problems.map((p) => `${p.file}: ${p.message}`).join('; '), new BundleError(record.problems));
  }
  return record;
}

/** The member's base path, else where the proxy last deployed still serves in the environment, else `/`. */
function toBasePath(member: ProxyGroupMember, serving: readonly DeploymentRecord[]): string {
  if (member.basePath !== undefined) return member.basePath;
  const latest = serving.reduce<DeploymentRecord | undefined>((a, b) => (!a || b.deployedAt > a.deployedAt || (b.deployedAt === a.deployedAt && b.revision > a.revision) ? b : a), undefined);
  return latest?.basePath ?? '/';
}

/**
 * Checks every member before anything is asked of the deployment service: it exists, its revision (pinned, or the
 * latest) has no problems, the environment has the TargetServers and virtual hosts it uses, and it would not leave
 * a leftover revision where that is refused. Each member replaces its proxy's revisions at its base path, as a
 * deploy with override does (compat §3.4). Compiling and base-path conflicts are checked by the change itself.
 */
export async function planGroupDeployment(context: PlanContext, group: ProxyGroupRecord, environment: string, runtime: EnvironmentRuntime): Promise<GroupDeploymentPlan> {
  const { organization } = group;
  const current = context.deployments.list(organization, { environment });
  const members: GroupMemberPlan[] = [];
  const changes: EnvironmentChange[] = [];
  for (const member of group.members) {
    const revision = resolveRevision(context, group, environment, member);
    const missing = findMissingResources(await context.revisions.loadBundle(revision), {
      environment, virtualHosts: runtime.options.virtualHosts, targetServers: runtime.options.targetServers,
    });
    if (missing.length > 0) throw toMemberError('conflict', group, environment, member.api, revision.revision, missing.join('; '));
    const serving = current.filter((r) => r.api === member.api && isServing(r));
    const basePath = toBasePath(member, serving);
    const others = serving.filter((r) => r.revision !== revision.revision);
    const replaced = others.filter((r) => r.basePath === basePath);
    let leftovers = others.filter((r) => r.basePath !== basePath);
    if (leftovers.length > 0 && context.leftoverRevisions === 'refuse') {
      const names = leftovers.map((r) => `revision ${r.revision} at ${r.basePath}`).join(', ');
      throw toMemberError('conflict', group, environment, member.api, revision.revision,
        `deploying it at ${basePath} would leave ${names} deployed; deployments.leftoverRevisions is "refuse": undeploy it first or give the member its base path`);
    }
    const replaces = [...replaced, ...(context.leftoverRevisions === 'undeploy' ? leftovers : [])].map((r) => r.revision);
    if (context.leftoverRevisions === 'undeploy') leftovers = [];
    members.push({ api: member.api, revision: revision.revision, basePath, replaces, leftovers });
    changes.push({ api: member.api, deploy: [{ revision: revision.revision, basePath }], ...(replaces.length > 0 ? { undeploy: replaces } : {}) });
  }
  const departed = new Map<string, number[]>();
  for (const record of current) {
    if (record.group?.name !== group.name || !isServing(record) || group.members.some((m) => m.api === record.api)) continue;
    departed.set(record.api, [...(departed.get(record.api) ?? []), record.revision]);
  }
  for (const [api, revisions] of departed) changes.push({ api, undeploy: revisions });
  return { members, departed: [...departed].map(([api, revisions]) => ({ api, revisions })), changes };
}
