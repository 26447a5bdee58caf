// Promotions are durable: pending ones and their history survive a restart and can be decided afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createUserWithRoles, decide, expectError, importAndDeploy, mockBundle, org, requestPromotion, servedLabel, type PromotionBody } from './promotion-fixture.js';

describe('promotions across a restart', () => {
  let dataDir: string | undefined;
  let gw: TestGateway | undefined;
  afterAll(async () => {
    await gw?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps pending promotions with their history, still one at a time, and accepts them after the restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'baton-promotion-restart-'));
    gw = await startGateway({ dataDir, targetServers: [{ name: 'payments-1', host: '127.0.0.1', port: 9, enabled: true }], customize: (config) => ({
      ...config,
      organizations: config.organizations.map((o) => ({ ...o, environments: o.environments.map((e) => (e.name === 'prod' ? { ...e, targetServers: [] } : e)) })),
    }) });
    const developer = await createUserWithRoles(gw, 'dev@example.com', ['user']);
    const operator = await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']);
    await importAndDeploy(gw, 'orders', await mockBundle('orders', '/orders', 'one'), 'test');
    await importAndDeploy(gw, 'payments', await mockBundle('payments', '/payments', 'pay', { server: 'payments-1' }), 'test');
    const orders = (await requestPromotion(developer, 'orders', { from: 'test', to: 'prod', comment: 'before restart' })).json<PromotionBody>();
    const payments = (await requestPromotion(developer, 'payments', { from: 'test', to: 'prod' })).json<PromotionBody>();
    expect((await decide(operator, payments.id, 'accept')).status).toBe(409);
    const before = (await developer.get(`${org}/promotions`)).json<PromotionBody[]>();
    await gw.close();

    // Same data directory; prod now has the TargetServer the payments promotion was missing.
    gw = await startGateway({ dataDir, targetServers: [{ name: 'payments-1', host: '127.0.0.1', port: 9, enabled: true }] });
    const developerAgain = adminClient(gw.gateway.adminUrl, { user: 'dev@example.com', password: 'dev@example.com-password' });
    const operatorAgain = adminClient(gw.gateway.adminUrl, { user: 'ops@example.com', password: 'ops@example.com-password' });
    expect((await developerAgain.get(`${org}/promotions`)).json()).toEqual(before);
    const tasks = (await operatorAgain.get(`${org}/environments/prod/tasks`)).json<Array<{ promotion: PromotionBody }>>();
    expect(tasks.map((t) => t.promotion.id)).toEqual([orders.id, payments.id]);
    expect(tasks[1]!.promotion.history.map((h) => h.action)).toEqual(['request', 'accept-failed']);
    expectError(await requestPromotion(developerAgain, 'orders', { from: 'test', to: 'prod' }), 409, 'baton.promotions.PromotionPending');

    expect((await decide(operatorAgain, orders.id, 'accept')).json<PromotionBody>().state).toBe('accepted');
    expect((await decide(operatorAgain, payments.id, 'accept')).json<PromotionBody>().state).toBe('accepted');
    expect(await servedLabel(`${gw.url('prod')}/orders`)).toBe('one');
    expect(await servedLabel(`${gw.url('prod')}/payments`)).toBe('pay');
    expect((await operatorAgain.get(`${org}/environments/prod/tasks`)).json()).toEqual([]);
  });
});
