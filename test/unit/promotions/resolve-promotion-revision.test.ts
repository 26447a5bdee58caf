// resolvePromotionRevision: the revision a request names, or the one serving in the source environment.
import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../src/deployments/deployment-records.js';
import { AdminError } from '../../../src/errors.js';
import { resolvePromotionRevision } from '../../../src/promotions/resolve-promotion-revision.js';
import type { RevisionRecord } from '../../../src/revisions/revision-records.js';

function deps(records: Array<Partial<DeploymentRecord> & { revision: number }>, revisions: readonly number[] = [1, 2, 3]) {
  const deployments = records.map((r): DeploymentRecord => ({ organization: 'demo', environment: 'test', api: 'orders', basePath: '/', deployedAt: 1, deployedBy: 'u', ...r }));
  return {
    deployments: { list: (_org: string, filter?: { environment?: string; api?: string }) => deployments.filter((d) => d.environment === filter?.environment && d.api === filter?.api) },
    revisions: { getRevision: (_org: string, _api: string, revision: number) => (revisions.includes(revision) ? ({ revision } as RevisionRecord) : undefined) },
  };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AdminError);
    return (err as AdminError).code;
  }
  throw new Error('expected an error');
}

const input = { organization: 'demo', api: 'orders', from: 'test', revision: undefined };

describe('resolvePromotionRevision', () => {
  it('defaults to the single revision serving in the source environment, with its base path', () => {
    expect(resolvePromotionRevision(deps([{ revision: 2, basePath: '/v2' }, { revision: 1, undeployAt: 5 }]), input)).toEqual({ revision: 2, basePath: '/v2' });
  });

  it('refuses to guess when none or several serve, listing them', () => {
    expect(codeOf(() => resolvePromotionRevision(deps([]), input))).toBe('distribution.ApplicationNotDeployed');
    expect(codeOf(() => resolvePromotionRevision(deps([{ revision: 1, environment: 'prod' }]), input))).toBe('distribution.ApplicationNotDeployed');
    try {
      resolvePromotionRevision(deps([{ revision: 1 }, { revision: 3, basePath: '/b' }]), input);
      throw new Error('expected an error');
    } catch (err) {
      expect((err as AdminError).code).toBe('baton.promotions.AmbiguousRevision');
      expect((err as AdminError).message).toContain('1, 3');
      expect((err as AdminError).details).toEqual({ revisions: ['1', '3'] });
    }
  });

  it('takes a named revision only when it exists and serves in the source environment', () => {
    const serving = deps([{ revision: 1 }, { revision: 3, basePath: '/b' }]);
    expect(resolvePromotionRevision(serving, { ...input, revision: '3' })).toEqual({ revision: 3, basePath: '/b' });
    expect(codeOf(() => resolvePromotionRevision(serving, { ...input, revision: '2' }))).toBe('distribution.RevisionNotDeployed');
    expect(codeOf(() => resolvePromotionRevision(serving, { ...input, revision: '9' }))).toBe('messaging.config.beans.RevisionDoesNotExist');
    expect(codeOf(() => resolvePromotionRevision(serving, { ...input, revision: 'x1' }))).toBe('messaging.config.beans.RevisionDoesNotExist');
  });
});
