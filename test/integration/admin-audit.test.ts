// The audit trail over the management API of a real gateway: Edge's record fields, time filters, no secrets, ADMIN only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

interface AuditRecord {
  timeStamp: number;
  user: string;
  operation: string;
  requestUri: string;
  responseCode?: string;
  organization: string;
  target: string;
  result: 'success' | 'failure';
  details?: Record<string, unknown>;
}
interface AuditReply { auditRecord: AuditRecord[]; totalRecords: number }

function expectError(response: AdminResponse, status: number, code: string): string {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string }>();
  expect(body).toEqual({ code, message: expect.any(String), contexts: [] });
  return body.message;
}

describe('audit trail', () => {
  let gw: TestGateway;
  let viewer: AdminClient;
  const password = 'audited-Secret-Pass-1';
  let token = '';
  let startedAt = 0;
  let finishedAt = 0;

  const audits = async (path: string, query?: Record<string, string | number>): Promise<AuditReply> => {
    const response = await gw.admin.get(path, query ? { query } : {});
    expect(response.status, response.text()).toBe(200);
    const reply = response.json<AuditReply>();
    expect(response.text()).not.toContain(password);
    if (token !== '') expect(response.text()).not.toContain(token);
    return reply;
  };

  beforeAll(async () => {
    gw = await startGateway();
    startedAt = Date.now();
    expect((await gw.admin.post('/v1/users', { json: { emailId: 'audited@example.com', firstName: 'Au', password } })).status).toBe(201);
    const created = await gw.admin.post('/v1/users/audited@example.com/tokens', { json: { name: 'ci', expiresInDays: 5 } });
    expect(created.status).toBe(201);
    token = created.json<{ token: string }>().token;
    expect((await gw.admin.post('/v1/organizations/demo/userroles', { json: { role: [{ name: 'auditors' }] } })).status).toBe(201);
    // A refused change is recorded too.
    expect((await gw.admin.post('/v1/organizations/demo/userroles', { json: { role: [{ name: 'auditors' }] } })).status).toBe(409);
    expect((await gw.admin.post('/v1/organizations/demo/userroles/businessuser/users', { query: { id: 'audited@example.com' } })).status).toBe(201);
    finishedAt = Date.now();
    viewer = adminClient(gw.gateway.adminUrl, { user: 'audited@example.com', password });
  });
  afterAll(() => gw.close());

  it("lists user and token changes in Edge's envelope, newest first, without secrets", async () => {
    const reply = await audits('/v1/audits/users', { startTime: startedAt, endTime: finishedAt });
    expect(reply.totalRecords).toBe(reply.auditRecord.length);
    expect(reply.auditRecord).toEqual([
      {
        timeStamp: expect.any(Number),
        user: 'admin@baton.test',
        operation: 'create-token',
        requestUri: '/v1/users/audited@example.com/tokens/ci',
        organization: '*',
        target: 'users/audited@example.com/tokens/ci',
        result: 'success',
      },
      {
        timeStamp: expect.any(Number),
        user: 'admin@baton.test',
        operation: 'create-user',
        requestUri: '/v1/users/audited@example.com',
        organization: '*',
        target: 'users/audited@example.com',
        result: 'success',
      },
    ]);
    const [newest, oldest] = reply.auditRecord;
    expect(newest!.timeStamp).toBeGreaterThanOrEqual(oldest!.timeStamp);
    expect(oldest!.timeStamp).toBeGreaterThanOrEqual(startedAt);
    expect(newest!.timeStamp).toBeLessThanOrEqual(finishedAt);
  });

  it("lists an organization's changes, failures with their status", async () => {
    const reply = await audits('/v1/audits/organizations/demo', { startTime: startedAt });
    expect(reply.auditRecord.map((r) => r.operation)).toEqual(['add-user-role', 'create-role', 'create-role']);
    const [added, refused, created] = reply.auditRecord;
    expect(added).toMatchObject({
      user: 'admin@baton.test',
      requestUri: '/v1/organizations/demo/userroles/businessuser/users/audited@example.com',
      organization: 'demo',
      result: 'success',
    });
    expect(refused).toEqual({
      timeStamp: expect.any(Number),
      user: 'admin@baton.test',
      operation: 'create-role',
      requestUri: '/v1/organizations/demo/userroles/auditors',
      responseCode: '409',
      organization: 'demo',
      target: 'organizations/demo/userroles/auditors',
      result: 'failure',
      details: { status: 409, code: 'usersandroles.RoleAlreadyExists' },
    });
    expect(created).toMatchObject({ operation: 'create-role', result: 'success', requestUri: '/v1/organizations/demo/userroles/auditors' });
    expect(created).not.toHaveProperty('responseCode');
  });

  it('filters by time and limits the count', async () => {
    expect((await audits('/v1/audits/users', { startTime: finishedAt + 1 })).auditRecord).toEqual([]);
    expect((await audits('/v1/audits/organizations/demo', { endTime: startedAt - 1 })).auditRecord).toEqual([]);
    const latest = await audits('/v1/audits/organizations/demo', { limit: 1 });
    expect(latest.auditRecord.map((r) => r.operation)).toEqual(['add-user-role']);
    expect(latest.totalRecords).toBe(1);
    // Without filters the administrator's own seeding by Baton shows too.
    const everything = await audits('/v1/audits/users');
    expect(everything.auditRecord.some((r) => r.user === 'baton' && r.target === 'users/admin@baton.test')).toBe(true);
  });

  it.each([
    [{ startTime: 'yesterday' }, 'startTime'],
    [{ endTime: '1.5' }, 'endTime'],
    [{ startTime: -1 }, 'startTime'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ startTime: 2000, endTime: 1000 }, 'startTime'],
  ])('refuses %o with 400 naming the parameter', async (query, name) => {
    const message = expectError(await gw.admin.get('/v1/audits/organizations/demo', { query }), 400, 'messaging.config.beans.InvalidParameter');
    expect(message).toContain(name);
    expectError(await gw.admin.get('/v1/audits/users', { query }), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('needs ADMIN: READ is not enough to read who did what', async () => {
    expect((await viewer.get('/v1/organizations/demo')).status).toBe(200);
    expect(expectError(await viewer.get('/v1/audits/organizations/demo'), 403, 'security.Forbidden')).toBe('User audited@example.com lacks permission ADMIN');
    expectError(await viewer.get('/v1/audits/users'), 403, 'security.Forbidden');
    expectError(await adminClient(gw.gateway.adminUrl, { token }).get('/v1/audits/users'), 403, 'security.Forbidden');
    expectError(await gw.admin.get('/v1/audits/organizations/nope'), 404, 'messaging.config.beans.OrganizationDoesNotExist');
  });
});
