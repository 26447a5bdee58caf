import { describe, expect, it } from 'vitest';
import {
  ListingShapeError, parseApiDeploymentListing, parseEnvironmentDeploymentListing, toDeploymentCheck, toGatewayWarnings,
} from '../../../src/rollout/parse-deployment-listing.js';

const entry = (name: string, basePath = '/', extra: Record<string, unknown> = {}) => ({ configuration: { basePath, steps: [] }, name, server: [], state: 'deployed', ...extra });

describe('deployment listings and leftovers', () => {
  it('keeps only the environment asked for (compat §3.8 per-proxy listing)', () => {
    const listing = parseApiDeploymentListing({
      environment: [{ name: 'prod', revision: [entry('1')] }, { name: 'test', revision: [entry('3', '/v2'), entry('2')] }],
      name: 'orders', organization: 'demo',
    }, 'test');
    expect(listing.deployments.map((d) => [d.revision, d.basePath])).toEqual([['3', '/v2'], ['2', '/']]);
    expect(parseApiDeploymentListing({ environment: [], name: 'orders', organization: 'demo' }, 'test').deployments).toEqual([]);
  });

  it('reports no leftover when only the new revision is deployed', () => {
    const check = toDeploymentCheck(parseApiDeploymentListing({ environment: [{ name: 'test', revision: [entry('2')] }] }, 'test'), 2);
    expect(check).toMatchObject({ newRevisionDeployed: true, leftovers: [] });
  });

  it('reports every other deployed revision as a leftover, and a missing new revision', () => {
    const listing = parseApiDeploymentListing({ environment: [{ name: 'test', revision: [entry('2', '/v2'), entry('1', '/v1', { baton: { leftover: true } })] }] }, 'test');
    const check = toDeploymentCheck(listing, 2);
    expect(check.leftovers).toEqual([{ revision: '1', basePath: '/v1', state: 'deployed', draining: false, flaggedLeftover: true }]);
    expect(toDeploymentCheck(listing, 3)).toMatchObject({ newRevisionDeployed: false });
    expect(toDeploymentCheck(listing, 3).leftovers).toHaveLength(2);
  });

  it('ignores undeployed entries and marks draining ones (Baton\'s addition)', () => {
    const listing = parseEnvironmentDeploymentListing({
      environment: 'test', name: 'orders', organization: 'demo',
      revision: [entry('2'), entry('1', '/', { baton: { draining: true, inflight: 0, undeployAt: 1 } }), entry('0', '/', { state: 'undeployed' })],
    });
    const check = toDeploymentCheck(listing, 2);
    expect(check.deployed.map((d) => d.revision)).toEqual(['2', '1']);
    expect(check.leftovers).toMatchObject([{ revision: '1', draining: true }]);
  });

  it('reads a gateway warning sent in a top-level baton object, bounded', () => {
    expect(toGatewayWarnings({ baton: { warning: 'revision 1 stays deployed at /v1' } })).toEqual(['revision 1 stays deployed at /v1']);
    expect(toGatewayWarnings({ baton: { warnings: ['a', 7, 'b'] } })).toEqual(['a', 'b']);
    expect(toGatewayWarnings({ baton: { warnings: Array.from({ length: 50 }, () => 'w'.repeat(1000)) } })).toHaveLength(10);
    expect(toGatewayWarnings({ baton: { warning: 'w'.repeat(1000) } })[0]).toHaveLength(300);
    expect(toGatewayWarnings('text')).toEqual([]);
    const listing = parseApiDeploymentListing({ environment: [], baton: { warning: 'leftover revisions: 1' } }, 'test');
    expect(toDeploymentCheck(listing, 2).warnings).toEqual(['leftover revisions: 1']);
  });

  it('refuses answers that are not listings', () => {
    expect(() => parseApiDeploymentListing('<html>', 'test')).toThrow(ListingShapeError);
    expect(() => parseApiDeploymentListing({ environment: [{ name: 'test', revision: 'x' }] }, 'test')).toThrow(ListingShapeError);
    expect(() => parseEnvironmentDeploymentListing({ revision: [{ state: 'deployed' }] })).toThrow('a deployment entry has no revision name');
  });
});
