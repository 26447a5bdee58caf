// Signing in to the management API of a real gateway: 401 challenges, 400 for malformed headers, 429 after repeated failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const challenge = 'Basic realm="Baton", Bearer realm="Baton"';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function expectError(response: AdminResponse, status: number, code: string): void {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.json()).toEqual({ code, message: expect.any(String), contexts: [] });
}

function expectTooMany(response: AdminResponse): void {
  expect(response.status, response.text()).toBe(429);
  const body = response.json<{ retryAfterSeconds: number }>();
  expect(body).toEqual({ code: 'security.TooManyFailedLogins', message: expect.any(String), contexts: [], retryAfterSeconds: expect.any(Number) });
  expect(body.retryAfterSeconds).toBeGreaterThan(0);
  expect(body.retryAfterSeconds).toBeLessThanOrEqual(60);
  expect(response.headers['retry-after']).toBe(String(body.retryAfterSeconds));
}

// Failed attempts from one client count towards its 429 (the AccessService allows 10 per minute by default), so
// each group below has a gateway of its own and stays under that threshold unless it means to cross it.

describe('missing or bad credentials', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
    expect((await gw.admin.post('/v1/users', { json: { emailId: 'eve@example.com', password: 'eve-password-1' } })).status).toBe(201);
  });
  afterAll(() => gw.close());

  it.each([
    ['no Authorization header', undefined],
    ['a wrong password', basic('eve@example.com', 'not-her-password')],
    ['an unknown user', basic('ghost@example.com', 'eve-password-1')],
    ['an unknown token', 'Bearer baton_pat_unknown'],
    ['an unsupported scheme', 'Digest username="eve@example.com"'],
  ])('answers 401 with WWW-Authenticate for %s', async (_label, authorization) => {
    // Every access route without credentials; bad credentials on one only, since each brings the client nearer to its 429.
    const paths = authorization === undefined
      ? ['/v1/users', '/v1/users/eve@example.com', '/v1/users/eve@example.com/tokens', '/v1/organizations/demo/userroles', '/v1/audits/organizations/demo', '/v1/audits/users']
      : ['/v1/users/eve@example.com'];
    for (const path of paths) {
      const response = await adminClient(gw.gateway.adminUrl).get(path, { headers: authorization ? { authorization } : {} });
      expectError(response, 401, 'security.Unauthorized');
      expect(response.headers['www-authenticate']).toBe(challenge);
    }
  });

  it('authenticates before reading a body, so anonymous writes are 401 too', async () => {
    const response = await adminClient(gw.gateway.adminUrl).post('/v1/users', { json: { emailId: 'anon@example.com', password: 'anon-password-1' } });
    expectError(response, 401, 'security.Unauthorized');
    expect((await gw.admin.get('/v1/users/anon@example.com')).status).toBe(404);
  });

  it('accepts the right password', async () => {
    expect((await adminClient(gw.gateway.adminUrl, { user: 'eve@example.com', password: 'eve-password-1' }).get('/v1/users/eve@example.com')).status).toBe(200);
  });
});

describe('malformed Authorization headers', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it.each([
    ['Basic with invalid base64', 'Basic %%%'],
    ['Basic with nothing after it', 'Basic'],
    ['Basic without a colon', `Basic ${Buffer.from('no-colon').toString('base64')}`],
    ['Bearer with nothing after it', 'Bearer'],
    // Over the AccessService's 8 KB bound, under Node's 16 KB header limit (which answers 431 on its own).
    ['a 9 KB header', `Basic ${'A'.repeat(9 * 1024)}`],
  ])('answers 400 for %s', async (_label, authorization) => {
    const response = await adminClient(gw.gateway.adminUrl).get('/v1/users', { headers: { authorization } });
    expectError(response, 400, 'messaging.config.beans.InvalidParameter');
    expect(response.text()).not.toContain('no-colon');
  });
});

describe('repeated failed logins', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
    expect((await gw.admin.post('/v1/users', { json: { emailId: 'mallory@example.com', password: 'mallory-password-1' } })).status).toBe(201);
  });
  afterAll(() => gw.close());

  it('answers 429 once a client has failed 10 times, even for the right password', async () => {
    const guesser = adminClient(gw.gateway.adminUrl);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await guesser.get('/v1/users/mallory@example.com', { headers: { authorization: basic('mallory@example.com', `guess-${attempt}`) } });
      expectError(response, 401, 'security.Unauthorized');
    }
    const limited = await guesser.get('/v1/users/mallory@example.com', { headers: { authorization: basic('mallory@example.com', 'guess-11') } });
    expectTooMany(limited);
    const right = await guesser.get('/v1/users/mallory@example.com', { headers: { authorization: basic('mallory@example.com', 'mallory-password-1') } });
    expectTooMany(right);
    // The limit is per client address: the administrator's requests from this same address wait too.
    expectTooMany(await gw.admin.get('/v1/users'));
  });
});
