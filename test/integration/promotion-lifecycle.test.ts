// A promotion's whole lifecycle over HTTP: request, one pending at a time, tasks, accept (deploy), re-promote, reject, audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createUserWithRoles, decide, expectError, importAndDeploy, mockBundle, org, requestPromotion, servedLabel, type PromotionBody } from './promotion-fixture.js';

describe('promoting an API from test to prod', () => {
  let gw: TestGateway;
  let developer: AdminClient;
  let operator: AdminClient;

  beforeAll(async () => {
    gw = await startGateway();
    developer = await createUserWithRoles(gw, 'dev@example.com', ['user']);
    operator = await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']);
  });
  afterAll(() => gw.close());

  it('requests, lists the task, accepts into prod, promotes again, rejects, and audits every step', async () => {
    const first = await importAndDeploy(gw, 'orders', await mockBundle('orders', '/orders', 'one'), 'test');
    expect(await servedLabel(`${gw.url('prod')}/orders`)).toBe(404);

    const requested = await requestPromotion(developer, 'orders', { from: 'test', to: 'prod', comment: 'ready' });
    expect(requested.status, requested.text()).toBe(201);
    const promotion = requested.json<PromotionBody>();
    expect(promotion).toEqual({
      id: expect.any(String), organization: 'demo', api: 'orders', revision: String(first), from: 'test', to: 'prod', state: 'pending',
      comment: 'ready', requestedBy: 'dev@example.com', requestedAt: expect.any(Number),
      history: [{ at: promotion.requestedAt, by: 'dev@example.com', action: 'request', comment: 'ready' }],
    });

    // One at a time per API and target: the second request names the pending one.
    const second = expectError(await requestPromotion(developer, 'orders', { from: 'test', to: 'prod', revision: String(first) }), 409, 'baton.promotions.PromotionPending');
    expect(second.pending).toBe(promotion.id);
    expect(second.message).toContain(promotion.id);

    const tasks = await operator.get(`${org}/environments/prod/tasks`);
    expect(tasks.status).toBe(200);
    expect(tasks.json()).toEqual([{ type: 'promotion', promotion }]);
    expect((await operator.get(`${org}/environments/test/tasks`)).json()).toEqual([]);
    expect((await developer.get(`${org}/promotions`, { query: { api: 'orders', state: 'pending', to: 'prod' } })).json()).toEqual([promotion]);
    expect((await developer.get(`${org}/promotions/${promotion.id}`)).json()).toEqual(promotion);

    const accepted = await decide(operator, promotion.id, 'accept', { comment: 'go' });
    expect(accepted.status, accepted.text()).toBe(200);
    expect(accepted.json<PromotionBody>()).toMatchObject({
      state: 'accepted', decidedBy: 'ops@example.com',
      deployment: { environment: 'prod', basePath: '/', revision: String(first), replaced: [], changed: true },
    });
    expect(await servedLabel(`${gw.url('prod')}/orders`)).toBe('one');
    expect((await operator.get(`${org}/environments/prod/tasks`)).json()).toEqual([]);
    const prodDeployments = await gw.admin.get(`${org}/environments/prod/apis/orders/deployments`);
    expect(prodDeployments.json<{ revision: Array<{ name: string }> }>().revision.map((r) => r.name)).toEqual([String(first)]);

    // Promoted before, promoted again: accepting updates the target (a seamless swap of the revision there).
    const next = await importAndDeploy(gw, 'orders', await mockBundle('orders', '/orders', 'two'), 'test');
    const again = await requestPromotion(developer, 'orders', { from: 'test', to: 'prod' });
    expect(again.status, again.text()).toBe(201);
    expect(again.json<PromotionBody>().revision).toBe(String(next));
    const reaccepted = await decide(operator, again.json<PromotionBody>().id, 'accept');
    const redeployed = reaccepted.json<PromotionBody>().deployment!;
    expect(redeployed).toEqual({ environment: 'prod', basePath: '/', revision: String(next), replaced: [String(first)], changed: true, historyId: expect.any(String) });
    // The deploy history of prod records the accept as a promotion, naming it as the source.
    const record = await operator.get(`${org}/environments/prod/deployhistory/${redeployed.historyId}`);
    expect(record.status, record.text()).toBe(200);
    expect(record.json()).toMatchObject({
      kind: 'promotion', user: 'ops@example.com', result: 'success', source: `promotion ${again.json<PromotionBody>().id}`,
      description: `Promoted orders revision ${next} from test to prod`,
      proxies: [{ api: 'orders', before: [{ revision: first, basePath: '/' }], after: [{ revision: next, basePath: '/' }] }],
    });
    expect(await servedLabel(`${gw.url('prod')}/orders`)).toBe('two');

    // Rejected: the target stays as it was, and a new request may follow.
    await importAndDeploy(gw, 'orders', await mockBundle('orders', '/orders', 'three'), 'test');
    const third = (await requestPromotion(developer, 'orders', { from: 'test', to: 'prod' })).json<PromotionBody>();
    const rejected = await decide(operator, third.id, 'reject', { reason: 'change freeze' });
    expect(rejected.status, rejected.text()).toBe(200);
    expect(rejected.json<PromotionBody>()).toMatchObject({ state: 'rejected', reason: 'change freeze', decidedBy: 'ops@example.com' });
    expect(rejected.json<PromotionBody>().history.map((h) => h.action)).toEqual(['request', 'reject']);
    expectError(await decide(operator, third.id, 'accept'), 409, 'baton.promotions.PromotionNotPending');
    expect(await servedLabel(`${gw.url('prod')}/orders`)).toBe('two');
    expect((await developer.get(`${org}/promotions`, { query: { api: 'orders' } })).json<PromotionBody[]>().map((p) => p.state)).toEqual(['accepted', 'accepted', 'rejected']);

    const audit = (await gw.admin.get('/v1/audits/organizations/demo')).json<{ auditRecord: Array<{ operation: string; user: string; result: string; target: string; details?: Record<string, unknown> }> }>();
    const promotions = audit.auditRecord.filter((e) => e.operation.endsWith('-promotion')).reverse();
    expect(promotions.map((e) => [e.operation, e.user, e.result])).toEqual([
      ['request-promotion', 'dev@example.com', 'success'],
      ['request-promotion', 'dev@example.com', 'failure'],
      ['accept-promotion', 'ops@example.com', 'success'],
      ['request-promotion', 'dev@example.com', 'success'],
      ['accept-promotion', 'ops@example.com', 'success'],
      ['request-promotion', 'dev@example.com', 'success'],
      ['reject-promotion', 'ops@example.com', 'success'],
      ['accept-promotion', 'ops@example.com', 'failure'],
    ]);
    expect(promotions[0]).toMatchObject({ target: `apis/orders/promotions/${promotion.id}`, details: { comment: 'ready', from: 'test', to: 'prod' } });
    expect(promotions[6]).toMatchObject({ details: { reason: 'change freeze' } });
  });

  it('answers 404 for unknown environments, APIs and promotions, and 400 for a bad body', async () => {
    expectError(await requestPromotion(developer, 'orders', { from: 'test', to: 'qa' }), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
    expectError(await requestPromotion(developer, 'ghost', { from: 'test', to: 'prod' }), 404, 'messaging.config.beans.ApplicationDoesNotExist');
    expectError(await requestPromotion(developer, 'orders', { from: 'test', to: 'prod', revision: '999' }), 404, 'messaging.config.beans.RevisionDoesNotExist');
    expectError(await requestPromotion(developer, 'orders', { from: 'test' }), 400, 'messaging.config.beans.InvalidParameter');
    expectError(await requestPromotion(developer, 'orders', { from: 'test', to: 'prod', revision: true }), 400, 'messaging.config.beans.InvalidParameter');
    expectError(await decide(operator, 'no-such-id', 'accept'), 404, 'baton.promotions.PromotionDoesNotExist');
    expectError(await operator.get(`${org}/environments/qa/tasks`), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
    expectError(await developer.get(`${org}/promotions`, { query: { state: 'done' } }), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('refuses to guess the revision when none or several serve in the source environment', async () => {
    await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'idle', bytes: await mockBundle('idle', '/idle', 'x'), user: 't', validate: true });
    expectError(await requestPromotion(developer, 'idle', { from: 'test', to: 'prod' }), 400, 'distribution.ApplicationNotDeployed');
    const a = await importAndDeploy(gw, 'twice', await mockBundle('twice', '/twice', 'a'), 'test', '/a');
    const b = await importAndDeploy(gw, 'twice', await mockBundle('twice', '/twice', 'b'), 'test', '/b');
    const body = expectError(await requestPromotion(developer, 'twice', { from: 'test', to: 'prod' }), 400, 'baton.promotions.AmbiguousRevision');
    expect(body.revisions).toEqual([String(a), String(b)]);
    const named = await requestPromotion(developer, 'twice', { from: 'test', to: 'prod', revision: b });
    expect(named.status, named.text()).toBe(201);
    // The revision a promotion carries is one that serves in its source environment.
    expectError(await requestPromotion(developer, 'twice', { from: 'prod', to: 'test', revision: String(a) }), 400, 'distribution.RevisionNotDeployed');
  });
});
