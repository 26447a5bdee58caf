import { describe, expect, it } from 'vitest';
import type { DeploymentCheck, ListedDeployment } from '../../../src/rollout/parse-deployment-listing.js';
import { toRolloutVerdict, type RolloutFacts } from '../../../src/rollout/to-rollout-verdict.js';

const listed = (revision: string, basePath = '/'): ListedDeployment => ({ revision, basePath, state: 'deployed', draining: false, flaggedLeftover: false });
const clean: DeploymentCheck = { deployed: [listed('2')], newRevisionDeployed: true, leftovers: [], warnings: [] };
const withLeftover: DeploymentCheck = { deployed: [listed('2', '/v2'), listed('1')], newRevisionDeployed: true, leftovers: [listed('1')], warnings: [] };
const facts: RolloutFacts = {
  environment: 'test', revision: 2, expectLeftover: false, deployFailure: undefined, responses5xx: 0,
  transportErrors: { reset: 0, timeout: 0, other: 0 }, deployments: clean,
};

describe('toRolloutVerdict', () => {
  it('passes a clean rollout', () => {
    expect(toRolloutVerdict(facts)).toEqual({ exitCode: 0, failures: [] });
  });

  it('fails on any 5xx and any transport error; 4xx alone is no failure', () => {
    expect(toRolloutVerdict({ ...facts, responses5xx: 1 })).toEqual({ exitCode: 1, failures: ['1 response with status 5xx'] });
    expect(toRolloutVerdict({ ...facts, transportErrors: { reset: 2, timeout: 1, other: 0 } })).toEqual({
      exitCode: 1, failures: ['3 transport errors (2 resets, 1 timeout, 0 other)'],
    });
    expect(toRolloutVerdict({ ...facts, transportErrors: { reset: 0, timeout: 0, other: 1 } }).exitCode).toBe(1);
  });

  it('fails on a leftover unless expected, and on an expected leftover that is not there', () => {
    expect(toRolloutVerdict({ ...facts, deployments: withLeftover })).toEqual({
      exitCode: 1, failures: ['leftover: revision 1 at base path / still deployed in test'],
    });
    expect(toRolloutVerdict({ ...facts, deployments: withLeftover, expectLeftover: true })).toEqual({ exitCode: 0, failures: [] });
    expect(toRolloutVerdict({ ...facts, expectLeftover: true })).toEqual({
      exitCode: 1, failures: ['--expect-leftover was given but no leftover revision is deployed'],
    });
  });

  it('fails on a failed deploy (without a deployment check) and on an unreadable listing', () => {
    expect(toRolloutVerdict({ ...facts, deployFailure: 'POST … answered 404: Revision 9 does not exist', deployments: undefined })).toEqual({
      exitCode: 1, failures: ['deploy failed: POST … answered 404: Revision 9 does not exist'],
    });
    expect(toRolloutVerdict({ ...facts, deployments: 'GET … answered 503' })).toEqual({ exitCode: 1, failures: ['could not check the deployments: GET … answered 503'] });
  });

  it('fails when the new revision is not deployed afterwards', () => {
    expect(toRolloutVerdict({ ...facts, deployments: { ...clean, deployed: [], newRevisionDeployed: false } }).failures).toEqual([
      'revision 2 is not deployed in test after the rollout',
    ]);
  });

  it('lists every reason at once', () => {
    expect(toRolloutVerdict({ ...facts, responses5xx: 3, transportErrors: { reset: 1, timeout: 0, other: 0 }, deployments: withLeftover }).failures).toHaveLength(3);
  });
});
