// Who may request, see, accept and reject promotions, and when a requester may accept their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createRole, createUserWithRoles, decide, expectError, importAndDeploy, mockBundle, org, requestPromotion, type PromotionBody } from './promotion-fixture.js';

const forbidden = 'security.Forbidden';

async function startWithUsers(allowSelfApproval: boolean) {
  const gw = await startGateway({
    customize: (config) => ({ ...config, organizations: config.organizations.map((o) => ({ ...o, allowSelfApproval })) }),
  });
  await createRole(gw, 'test-approver', ['READ', 'ENVIRONMENT_API'], ['test']);
  await createRole(gw, 'builder-approver', ['READ', 'API_DEFINITION', 'ENVIRONMENT_API']);
  const users = {
    developer: await createUserWithRoles(gw, 'dev@example.com', ['user']),
    operator: await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']),
    business: await createUserWithRoles(gw, 'biz@example.com', ['businessuser']),
    testApprover: await createUserWithRoles(gw, 'qa@example.com', ['test-approver']),
    builderApprover: await createUserWithRoles(gw, 'both@example.com', ['builder-approver']),
    admin: gw.admin,
  };
  await importAndDeploy(gw, 'orders', await mockBundle('orders', '/orders', 'one'), 'test');
  return { gw, users };
}

/** Requests a promotion of orders to prod as `client` and returns its id. */
async function requested(client: AdminClient): Promise<string> {
  const response = await requestPromotion(client, 'orders', { from: 'test', to: 'prod' });
  expect(response.status, response.text()).toBe(201);
  return response.json<PromotionBody>().id;
}

describe('promotion permissions (allowSelfApproval off)', () => {
  let gw: TestGateway;
  let users: Awaited<ReturnType<typeof startWithUsers>>['users'];
  beforeAll(async () => {
    ({ gw, users } = await startWithUsers(false));
  });
  afterAll(() => gw.close());

  it('needs API_DEFINITION on the organization to request', async () => {
    expectError(await requestPromotion(users.operator, 'orders', { from: 'test', to: 'prod' }), 403, forbidden);
    expectError(await requestPromotion(users.business, 'orders', { from: 'test', to: 'prod' }), 403, forbidden);
    expectError(await requestPromotion(users.testApprover, 'orders', { from: 'test', to: 'prod' }), 403, forbidden);
    const id = await requested(users.developer);
    expect((await decide(users.operator, id, 'reject')).status).toBe(200);
  });

  it('needs ENVIRONMENT_API on the target to accept, reject or see its tasks', async () => {
    const id = await requested(users.developer);
    for (const client of [users.developer, users.business, users.testApprover]) {
      expectError(await decide(client, id, 'accept'), 403, forbidden);
      expectError(await decide(client, id, 'reject'), 403, forbidden);
      expectError(await client.get(`${org}/environments/prod/tasks`), 403, forbidden);
    }
    expect((await users.testApprover.get(`${org}/environments/test/tasks`)).json()).toEqual([]);
    expect((await users.business.get(`${org}/promotions/${id}`)).json<PromotionBody>().state).toBe('pending');
    expect((await users.operator.get(`${org}/environments/prod/tasks`)).json<unknown[]>()).toHaveLength(1);
    const accepted = await decide(users.operator, id, 'accept');
    expect(accepted.status, accepted.text()).toBe(200);
  });

  it('does not let a requester accept their own, even an ADMIN', async () => {
    const mine = await requested(users.builderApprover);
    const body = expectError(await decide(users.builderApprover, mine, 'accept'), 403, 'baton.promotions.SelfApprovalForbidden');
    expect(body.message).toContain('both@example.com');
    expect((await decide(users.operator, mine, 'reject')).status).toBe(200);
    const admins = await requested(users.admin);
    expectError(await decide(users.admin, admins, 'accept'), 403, 'baton.promotions.SelfApprovalForbidden');
    // The admin may still withdraw it: rejecting is not approving.
    expect((await decide(users.admin, admins, 'reject', { reason: 'withdrawn' })).status).toBe(200);
    // The refusal is in the audit trail.
    const audit = (await gw.admin.get('/v1/audits/organizations/demo')).json<{ auditRecord: Array<{ operation: string; result: string; details?: { code?: string } }> }>();
    expect(audit.auditRecord.some((e) => e.operation === 'accept-promotion' && e.result === 'failure' && e.details?.code === 'baton.promotions.SelfApprovalForbidden')).toBe(true);
  });
});

describe('promotion permissions (allowSelfApproval on)', () => {
  let gw: TestGateway;
  let users: Awaited<ReturnType<typeof startWithUsers>>['users'];
  beforeAll(async () => {
    ({ gw, users } = await startWithUsers(true));
  });
  afterAll(() => gw.close());

  it('lets an ADMIN accept their own promotion, and nobody else', async () => {
    const mine = await requested(users.builderApprover);
    expectError(await decide(users.builderApprover, mine, 'accept'), 403, 'baton.promotions.SelfApprovalForbidden');
    expect((await decide(users.operator, mine, 'reject')).status).toBe(200);
    const admins = await requested(users.admin);
    const accepted = await decide(users.admin, admins, 'accept');
    expect(accepted.status, accepted.text()).toBe(200);
    expect(accepted.json<PromotionBody>()).toMatchObject({ state: 'accepted', requestedBy: 'admin@baton.test', decidedBy: 'admin@baton.test' });
  });
});
