// A promotion whose accept fails stays pending with the reason, and the target environment does not change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createUserWithRoles, decide, expectError, importAndDeploy, mockBundle, org, requestPromotion, servedLabel, type PromotionBody } from './promotion-fixture.js';

describe('a failed accept', () => {
  let gw: TestGateway;
  let developer: AdminClient;
  let operator: AdminClient;

  beforeAll(async () => {
    // TargetServers are environment-scoped and do not travel: only test has payments-1.
    gw = await startGateway({
      targetServers: [{ name: 'payments-1', host: '127.0.0.1', port: 9, enabled: true }],
      customize: (config) => ({
        ...config,
        organizations: config.organizations.map((o) => ({ ...o, environments: o.environments.map((e) => (e.name === 'prod' ? { ...e, targetServers: [] } : e)) })),
      }),
    });
    developer = await createUserWithRoles(gw, 'dev@example.com', ['user']);
    operator = await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']);
  });
  afterAll(() => gw.close());

  const prodRevisions = async (api: string): Promise<string[]> => {
    const response = await gw.admin.get(`${org}/environments/prod/apis/${api}/deployments`);
    return response.status === 200 ? response.json<{ revision: Array<{ name: string }> }>().revision.map((r) => r.name) : [];
  };

  it('names a TargetServer the target environment lacks, keeps the promotion pending and prod serving the old revision', async () => {
    const old = await importAndDeploy(gw, 'payments', await mockBundle('payments', '/payments', 'old'), 'prod');
    const next = await importAndDeploy(gw, 'payments', await mockBundle('payments', '/payments', 'new', { server: 'payments-1' }), 'test');
    expect(await servedLabel(`${gw.url('test')}/payments`)).toBe('new');

    const { id } = (await requestPromotion(developer, 'payments', { from: 'test', to: 'prod' })).json<PromotionBody>();
    const refused = expectError(await decide(operator, id, 'accept'), 409, 'baton.promotions.MissingEnvironmentResources');
    expect(refused.message).toContain('TargetServer payments-1 does not exist in environment prod');
    expect(refused.missing).toEqual(['TargetServer payments-1 does not exist in environment prod']);

    const after = (await developer.get(`${org}/promotions/${id}`)).json<PromotionBody>();
    expect(after).toMatchObject({
      state: 'pending', revision: String(next),
      lastAttempt: { by: 'ops@example.com', result: 'failure', reason: 'TargetServer payments-1 does not exist in environment prod' },
    });
    expect(after.history.map((h) => h.action)).toEqual(['request', 'accept-failed']);
    expect((await operator.get(`${org}/environments/prod/tasks`)).json<Array<{ promotion: PromotionBody }>>().map((t) => t.promotion.id)).toEqual([id]);
    expect(await prodRevisions('payments')).toEqual([String(old)]);
    expect(await servedLabel(`${gw.url('prod')}/payments`)).toBe('old');
    // Still pending: a second request is refused, a reject still works.
    expectError(await requestPromotion(developer, 'payments', { from: 'test', to: 'prod' }), 409, 'baton.promotions.PromotionPending');
    expect((await decide(operator, id, 'reject', { reason: 'add payments-1 to prod first' })).json<PromotionBody>().state).toBe('rejected');
  });

  it('records a base path conflict in the target, changes nothing there, and succeeds once the conflict is gone', async () => {
    // Another proxy serves /shop in prod: a promoted proxy may not take it over.
    const squatter = await importAndDeploy(gw, 'squatter', await mockBundle('squatter', '/shop', 'squatter'), 'prod');
    await importAndDeploy(gw, 'shop', await mockBundle('shop', '/shop', 'shop'), 'test');
    const { id } = (await requestPromotion(developer, 'shop', { from: 'test', to: 'prod', comment: 'launch' })).json<PromotionBody>();

    expectError(await decide(operator, id, 'accept'), 409, 'messaging.config.beans.BasePathConflict');
    const after = (await developer.get(`${org}/promotions/${id}`)).json<PromotionBody>();
    expect(after.state).toBe('pending');
    expect(after.lastAttempt?.reason).toMatch(/^Path \/shop conflicts with existing deployment path for revision \d+ of the APIProxy squatter/);
    expect(await prodRevisions('shop')).toEqual([]);
    expect(await servedLabel(`${gw.url('prod')}/shop`)).toBe('squatter');

    const undeployed = await gw.admin.delete(`${org}/environments/prod/apis/squatter/revisions/${squatter}/deployments`);
    expect(undeployed.status, undeployed.text()).toBe(200);
    const accepted = await decide(operator, id, 'accept');
    expect(accepted.status, accepted.text()).toBe(200);
    expect(accepted.json<PromotionBody>().history.map((h) => h.action)).toEqual(['request', 'accept-failed', 'accept']);
    expect(await servedLabel(`${gw.url('prod')}/shop`)).toBe('shop');
  });
});
