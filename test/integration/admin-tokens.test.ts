// Personal access tokens over the management API of a real gateway: create, use as Bearer, list, revoke, who may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const dayMs = 24 * 60 * 60 * 1000;

function expectError(response: AdminResponse, status: number, code: string): string {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string }>();
  expect(body).toEqual({ code, message: expect.any(String), contexts: [] });
  return body.message;
}

interface CreatedToken { name: string; token: string; expiresAt: number }

describe('personal access tokens', () => {
  let gw: TestGateway;
  let ann: AdminClient;
  let bob: AdminClient;
  const secrets: string[] = [];

  const createToken = async (client: AdminClient, user: string, json: unknown): Promise<CreatedToken> => {
    const response = await client.post(`/v1/users/${user}/tokens`, { json });
    expect(response.status, response.text()).toBe(201);
    const created = response.json<CreatedToken>();
    secrets.push(created.token);
    return created;
  };

  beforeAll(async () => {
    gw = await startGateway();
    for (const emailId of ['ann@example.com', 'bob@example.com']) {
      expect((await gw.admin.post('/v1/users', { json: { emailId, password: `${emailId}-password` } })).status).toBe(201);
      // businessuser: READ in demo, so a token can be tried on the organization routes.
      expect((await gw.admin.post('/v1/organizations/demo/userroles/businessuser/users', { query: { id: emailId } })).status).toBe(201);
    }
    ann = adminClient(gw.gateway.adminUrl, { user: 'ann@example.com', password: 'ann@example.com-password' });
    bob = adminClient(gw.gateway.adminUrl, { user: 'bob@example.com', password: 'bob@example.com-password' });
  });
  afterAll(() => gw.close());

  it('creates a token shown once, which signs in as Bearer until it is revoked', async () => {
    const before = Date.now();
    const response = await ann.post('/v1/users/ann@example.com/tokens', { json: { name: 'ci', expiresInDays: 90 } });
    const after = Date.now();
    expect(response.status, response.text()).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const created = response.json<CreatedToken>();
    secrets.push(created.token);
    expect(Object.keys(created).sort()).toEqual(['expiresAt', 'name', 'token']);
    expect(created.name).toBe('ci');
    expect(created.token).toMatch(/^[A-Za-z0-9._~+/-]{32,}$/);
    expect(created.expiresAt).toBeGreaterThanOrEqual(before + 90 * dayMs);
    expect(created.expiresAt).toBeLessThanOrEqual(after + 90 * dayMs);

    const bearer = adminClient(gw.gateway.adminUrl, { token: created.token });
    const organization = await bearer.get('/v1/organizations/demo');
    expect(organization.status, organization.text()).toBe(200);
    expect(organization.json()).toMatchObject({ name: 'demo' });

    const listed = await ann.get('/v1/users/ann@example.com/tokens');
    expect(listed.status).toBe(200);
    expect(listed.text()).not.toContain(created.token);
    const [view, ...others] = listed.json<Array<Record<string, unknown>>>();
    expect(others).toEqual([]);
    expect(view).toEqual({ name: 'ci', createdAt: expect.any(Number), expiresAt: created.expiresAt, lastUsedAt: expect.any(Number) });

    const revoked = await ann.delete('/v1/users/ann@example.com/tokens/ci');
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toMatchObject({ name: 'ci', expiresAt: created.expiresAt });
    expect(revoked.text()).not.toContain(created.token);
    const refused = await bearer.get('/v1/organizations/demo');
    expectError(refused, 401, 'security.Unauthorized');
    expect(refused.headers['www-authenticate']).toBe('Basic realm="Baton", Bearer realm="Baton"');
    expect((await ann.get('/v1/users/ann@example.com/tokens')).json()).toEqual([]);
  });

  it('defaults to 90 days and lists tokens by name', async () => {
    const before = Date.now();
    const laptop = await createToken(ann, 'ann@example.com', { name: 'laptop' });
    expect(laptop.expiresAt).toBeGreaterThanOrEqual(before + 90 * dayMs);
    await createToken(ann, 'ann@example.com', { name: 'deploy-bot', expiresInDays: 1 });
    expect((await ann.get('/v1/users/ann@example.com/tokens')).json<Array<{ name: string }>>().map((t) => t.name)).toEqual(['deploy-bot', 'laptop']);
  });

  it('lets a token holder act as its user, with that user’s permissions only', async () => {
    const { token } = await createToken(bob, 'bob@example.com', { name: 'cli' });
    const bearer = adminClient(gw.gateway.adminUrl, { token });
    expect((await bearer.get('/v1/users/bob@example.com')).json()).toEqual({ emailId: 'bob@example.com', firstName: '', lastName: '' });
    expectError(await bearer.get('/v1/users'), 403, 'security.Forbidden');
    expectError(await bearer.get('/v1/organizations/demo/userroles'), 403, 'security.Forbidden');
  });

  it("refuses a user's requests on another user's tokens (403); an ADMIN may manage them", async () => {
    await createToken(ann, 'ann@example.com', { name: 'private' });
    expectError(await bob.post('/v1/users/ann@example.com/tokens', { json: { name: 'stolen' } }), 403, 'security.Forbidden');
    expectError(await bob.get('/v1/users/ann@example.com/tokens'), 403, 'security.Forbidden');
    expectError(await bob.delete('/v1/users/ann@example.com/tokens/private'), 403, 'security.Forbidden');
    expect((await ann.get('/v1/users/ann@example.com/tokens')).json<Array<{ name: string }>>().map((t) => t.name)).toContain('private');

    const listed = await gw.admin.get('/v1/users/ann@example.com/tokens');
    expect(listed.status).toBe(200);
    expect(listed.json<Array<{ name: string }>>().map((t) => t.name)).toContain('private');
    const minted = await createToken(gw.admin, 'ann@example.com', { name: 'by-admin', expiresInDays: 7 });
    const asAnn = await adminClient(gw.gateway.adminUrl, { token: minted.token }).get('/v1/users/ann@example.com');
    expect(asAnn.json()).toMatchObject({ emailId: 'ann@example.com' });
    expect((await gw.admin.delete('/v1/users/ann@example.com/tokens/private')).status).toBe(200);
    expect((await ann.get('/v1/users/ann@example.com/tokens')).json<Array<{ name: string }>>().map((t) => t.name)).not.toContain('private');
  });

  describe('validation', () => {
    it.each([
      ['no name', {}, 'name: required'],
      ['a non-string name', { name: 7 }, 'name: expected a string'],
      ['a non-number expiresInDays', { name: 'x', expiresInDays: '30' }, 'expiresInDays: expected a number'],
      ['a zero expiresInDays', { name: 'x', expiresInDays: 0 }, 'expiresInDays: expected an integer 1-3650'],
      ['a fractional expiresInDays', { name: 'x', expiresInDays: 1.5 }, 'expiresInDays: expected an integer 1-3650'],
      ['a name with a space', { name: 'my token' }, "name: expected 1-64 letters, digits, '.', '_' or '-'"],
    ])('refuses %s with 400 naming the field', async (_label, json, message) => {
      expect(expectError(await ann.post('/v1/users/ann@example.com/tokens', { json }), 400, 'messaging.config.beans.InvalidParameter')).toBe(message);
    });

    it('answers 409 for a name the user already has, 404 for unknown tokens and users', async () => {
      await createToken(ann, 'ann@example.com', { name: 'twice' });
      expectError(await ann.post('/v1/users/ann@example.com/tokens', { json: { name: 'twice' } }), 409, 'usersandroles.TokenAlreadyExists');
      expectError(await ann.delete('/v1/users/ann@example.com/tokens/nope'), 404, 'usersandroles.TokenDoesNotExist');
      expectError(await gw.admin.post('/v1/users/ghost@example.com/tokens', { json: { name: 'x' } }), 404, 'usersandroles.UserDoesNotExist');
      expectError(await gw.admin.get('/v1/users/ghost@example.com/tokens'), 404, 'usersandroles.UserDoesNotExist');
    });

    it('takes JSON only', async () => {
      expectError(await ann.post('/v1/users/ann@example.com/tokens', { form: { name: 'form' } }), 415, 'messaging.config.beans.UnsupportedMediaType');
    });
  });

  it('deleting a user ends their tokens', async () => {
    expect((await gw.admin.post('/v1/users', { json: { emailId: 'gone@example.com', password: 'gone-password-1' } })).status).toBe(201);
    const { token } = await createToken(gw.admin, 'gone@example.com', { name: 'ci' });
    const bearer = adminClient(gw.gateway.adminUrl, { token });
    expect((await bearer.get('/v1/users/gone@example.com')).status).toBe(200);
    expect((await gw.admin.delete('/v1/users/gone@example.com')).status).toBe(200);
    expectError(await bearer.get('/v1/users/gone@example.com'), 401, 'security.Unauthorized');
  });

  it('never logs a token secret', () => {
    expect(secrets.length).toBeGreaterThan(3);
    const logText = JSON.stringify(gw.logs);
    for (const secret of secrets) expect(logText).not.toContain(secret);
  });
});
