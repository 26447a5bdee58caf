// A proxy group's deployment status in one environment: what each member serves there and whether it matches the group now.
import type { DeploymentRecord } from '../deployments/deployment-records.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { ProxyGroupRecord } from './proxy-group-records.js';
import { isSameDeploymentGroup } from './proxy-group-settings.js';

export interface GroupDeployedRevision {
  readonly revision: string;
  readonly basePath: string;
  readonly deployedAt: number;
  readonly deployedBy: string;
  /** The member's revision now (pinned, or the latest), deployed with the group's current settings. */
  readonly upToDate: boolean;
}

export interface GroupMemberStatus {
  readonly api: string;
  /** As the group names it: a number, or `latest`. */
  readonly revision: string;
  readonly deployments: readonly GroupDeployedRevision[];
}

export interface GroupDeploymentStatus {
  readonly name: string;
  readonly environment: string;
  /** `deployed`: every member serves a deployment of the group; `partiallyDeployed`: some do; `notDeployed`: none. */
  readonly state: 'deployed' | 'partiallyDeployed' | 'notDeployed';
  /** Deployed, and a deploy now would change nothing: same revisions, same settings, no former member left. */
  readonly upToDate: boolean;
  readonly members: readonly GroupMemberStatus[];
  /** Proxies the group deployed that are no longer members (the next deploy of the group undeploys them). */
  readonly formerMembers: readonly GroupMemberStatus[];
}

/** `records`: the environment's serving deployments made by this group. */
export function toGroupDeploymentStatus(
  group: ProxyGroupRecord, environment: string, records: readonly DeploymentRecord[], revisions: Pick<RevisionService, 'listRevisions'>,
): GroupDeploymentStatus {
  const settings = { name: group.name, settings: group.settings };
  const toDeployed = (record: DeploymentRecord, wanted: number | undefined, basePath: string | undefined): GroupDeployedRevision => ({
    revision: String(record.revision),
    basePath: record.basePath,
    deployedAt: record.deployedAt,
    deployedBy: record.deployedBy,
    upToDate: wanted === record.revision && (basePath === undefined || basePath === record.basePath) && isSameDeploymentGroup(record.group, settings),
  });
  const members = group.members.map((member): GroupMemberStatus => {
    const wanted = member.revision ?? revisions.listRevisions(group.organization, member.api).at(-1)?.revision;
    return {
      api: member.api,
      revision: member.revision === undefined ? 'latest' : String(member.revision),
      deployments: records.filter((r) => r.api === member.api).map((r) => toDeployed(r, wanted, member.basePath)),
    };
  });
  const formerApis = [...new Set(records.map((r) => r.api))].filter((api) => !group.members.some((m) => m.api === api));
  const formerMembers = formerApis.map((api): GroupMemberStatus => ({
    api, revision: 'none', deployments: records.filter((r) => r.api === api).map((r) => toDeployed(r, undefined, undefined)),
  }));
  const deployedCount = members.filter((m) => m.deployments.length > 0).length;
  const state = deployedCount === 0 ? 'notDeployed' : deployedCount === members.length ? 'deployed' : 'partiallyDeployed';
  const upToDate = state === 'deployed' && formerMembers.length === 0 && members.every((m) => m.deployments.length === 1 && m.deployments[0]!.upToDate);
  return { name: group.name, environment, state, upToDate, members, formerMembers };
}
