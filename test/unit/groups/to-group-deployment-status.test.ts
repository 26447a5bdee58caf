// A group's deployment status: deployed, partially or not, and whether each deployment matches the group now.
import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../src/deployments/deployment-records.js';
import type { ProxyGroupRecord } from '../../../src/groups/proxy-group-records.js';
import { toGroupDeploymentStatus } from '../../../src/groups/to-group-deployment-status.js';
import type { RevisionRecord } from '../../../src/revisions/revision-records.js';

const group: ProxyGroupRecord = {
  organization: 'demo', name: 'shop', description: '', deployDelaySeconds: 0, settings: { cors: { allowOrigins: ['*'] } },
  members: [{ api: 'a', revision: 2 }, { api: 'b' }], createdAt: 1, createdBy: 'u', lastModifiedAt: 1, lastModifiedBy: 'u',
};
const revisions = { listRevisions: (_org: string, api: string) => [{ revision: 1 }, { revision: api === 'b' ? 5 : 2 }] as RevisionRecord[] };

function record(api: string, revision: number, settings: ProxyGroupRecord['settings'] = group.settings): DeploymentRecord {
  return { organization: 'demo', environment: 'test', api, revision, basePath: '/', deployedAt: 10, deployedBy: 'u', group: { name: 'shop', settings } };
}

describe('toGroupDeploymentStatus', () => {
  it('is deployed and up to date when every member serves its revision with the current settings', () => {
    const status = toGroupDeploymentStatus(group, 'test', [record('a', 2), record('b', 5)], revisions);
    expect(status).toMatchObject({ name: 'shop', environment: 'test', state: 'deployed', upToDate: true, formerMembers: [] });
    expect(status.members).toEqual([
      { api: 'a', revision: '2', deployments: [{ revision: '2', basePath: '/', deployedAt: 10, deployedBy: 'u', upToDate: true }] },
      { api: 'b', revision: 'latest', deployments: [{ revision: '5', basePath: '/', deployedAt: 10, deployedBy: 'u', upToDate: true }] },
    ]);
  });

  it('is out of date after a newer latest revision, other settings or a former member', () => {
    expect(toGroupDeploymentStatus(group, 'test', [record('a', 2), record('b', 1)], revisions).upToDate).toBe(false);
    expect(toGroupDeploymentStatus(group, 'test', [record('a', 2, {}), record('b', 5)], revisions).members[0]!.deployments[0]!.upToDate).toBe(false);
    const withFormer = toGroupDeploymentStatus(group, 'test', [record('a', 2), record('b', 5), record('c', 1)], revisions);
    expect(withFormer).toMatchObject({ state: 'deployed', upToDate: false, formerMembers: [{ api: 'c', revision: 'none', deployments: [{ revision: '1', upToDate: false }] }] });
  });

  it('is partially deployed or not deployed', () => {
    expect(toGroupDeploymentStatus(group, 'test', [record('a', 2)], revisions)).toMatchObject({ state: 'partiallyDeployed', upToDate: false });
    expect(toGroupDeploymentStatus(group, 'test', [], revisions)).toMatchObject({ state: 'notDeployed', upToDate: false });
  });
});
