// The target environment's deploy history records every promotion request, reject and accept; refused requests record nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createUserWithRoles, decide, expectError, importAndDeploy, mockBundle, org, requestPromotion, type PromotionBody } from './promotion-fixture.js';

interface HistoryRecord {
  id: string;
  kind: string;
  user: string;
  description: string;
  source?: string;
  result: string;
  proxies: Array<{ api: string; before: unknown[]; after: unknown[] }>;
}

describe('promotions in the deploy history', () => {
  let gw: TestGateway;
  let developer: AdminClient;
  let operator: AdminClient;

  beforeAll(async () => {
    gw = await startGateway();
    developer = await createUserWithRoles(gw, 'dev@example.com', ['user']);
    operator = await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']);
  });
  afterAll(() => gw.close());

  /** The `promotion` records of an environment, newest first. */
  const promotionRecords = async (environment: string): Promise<HistoryRecord[]> => {
    const response = await operator.get(`${org}/environments/${environment}/deployhistory`, { query: { kind: 'promotion' } });
    expect(response.status, response.text()).toBe(200);
    return response.json<{ records: HistoryRecord[] }>().records;
  };

  it('records the request and the reject as no-change records and the accept as the deploy, in the target only', async () => {
    const first = await importAndDeploy(gw, 'orders', await mockBundle('orders', '/orders', 'one'), 'test');

    const requested = await requestPromotion(developer, 'orders', { from: 'test', to: 'prod', comment: 'ready' });
    expect(requested.status, requested.text()).toBe(201);
    const promotion = requested.json<PromotionBody>();
    const afterRequest = await promotionRecords('prod');
    expect(afterRequest).toHaveLength(1);
    expect(afterRequest[0]).toMatchObject({
      kind: 'promotion', user: 'dev@example.com', result: 'success', source: `promotion ${promotion.id}`,
      description: `Promotion ${promotion.id} of orders revision ${first} from test requested by dev@example.com: ready`,
      proxies: [{ api: 'orders', before: [], after: [] }],
    });
    // The request is a note in the target's history, not in the source's.
    expect(await promotionRecords('test')).toEqual([]);

    // A refused request (one is pending) is audited but leaves the history alone.
    expectError(await requestPromotion(developer, 'orders', { from: 'test', to: 'prod' }), 409, 'baton.promotions.PromotionPending');
    expect(await promotionRecords('prod')).toHaveLength(1);

    const accepted = await decide(operator, promotion.id, 'accept');
    expect(accepted.status, accepted.text()).toBe(200);
    const afterAccept = await promotionRecords('prod');
    expect(afterAccept).toHaveLength(2);
    expect(afterAccept[0]).toMatchObject({
      id: accepted.json<PromotionBody>().deployment!.historyId, user: 'ops@example.com', source: `promotion ${promotion.id}`,
      proxies: [{ api: 'orders', before: [], after: [{ revision: first, basePath: '/' }] }],
    });

    // With orders serving in prod, the next request and its reject record prod's state unchanged on both sides.
    const next = await importAndDeploy(gw, 'orders', await mockBundle('orders', '/orders', 'two'), 'test');
    const again = (await requestPromotion(developer, 'orders', { from: 'test', to: 'prod' })).json<PromotionBody>();
    const rejected = await decide(operator, again.id, 'reject', { reason: 'change freeze' });
    expect(rejected.status, rejected.text()).toBe(200);
    const [reject, request] = await promotionRecords('prod');
    const serving = [{ revision: first, basePath: '/' }];
    expect(request).toMatchObject({
      user: 'dev@example.com', source: `promotion ${again.id}`,
      description: `Promotion ${again.id} of orders revision ${next} from test requested by dev@example.com`,
      proxies: [{ api: 'orders', before: serving, after: serving }],
    });
    expect(reject).toMatchObject({
      kind: 'promotion', user: 'ops@example.com', result: 'success', source: `promotion ${again.id}`,
      description: `Promotion ${again.id} of orders revision ${next} from test rejected by ops@example.com: change freeze`,
      proxies: [{ api: 'orders', before: serving, after: serving }],
    });
    expect(await promotionRecords('prod')).toHaveLength(4);
  });
});
