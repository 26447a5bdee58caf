// User accounts over the management API of a real gateway: Edge shapes, no secrets, validation, who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const invalidParameter = 'messaging.config.beans.InvalidParameter';

function expectError(response: AdminResponse, status: number, code: string): string {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string; contexts: unknown[] }>();
  expect(body).toEqual({ code, message: expect.any(String), contexts: [] });
  return body.message;
}

describe('users', () => {
  let gw: TestGateway;
  /** Every password this file sends: none may appear in a response or a log line. */
  const passwords: string[] = [];
  const texts: string[] = [];
  const record = (response: AdminResponse): AdminResponse => {
    texts.push(response.text());
    return response;
  };
  const password = (label: string): string => {
    const value = `${label}-Secret-Pass-${passwords.length}`;
    passwords.push(value);
    return value;
  };
  const createUser = async (emailId: string, secret: string, names: { firstName?: string; lastName?: string } = {}): Promise<AdminClient> => {
    const response = record(await gw.admin.post('/v1/users', { json: { emailId, password: secret, ...names } }));
    expect(response.status, response.text()).toBe(201);
    return adminClient(gw.gateway.adminUrl, { user: emailId, password: secret });
  };

  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw.close();
  });

  it('creates, reads, lists, updates and deletes a user in Edge shapes', async () => {
    const secret = password('ann');
    const created = record(await gw.admin.post('/v1/users', { json: { emailId: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', password: secret } }));
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    expect(created.json()).toEqual({ emailId: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' });

    expect(record(await gw.admin.get('/v1/users')).json()).toEqual(['admin@baton.test', 'ann@example.com']);
    const read = record(await gw.admin.get('/v1/users/ann@example.com'));
    expect(read.status).toBe(200);
    expect(read.json()).toEqual({ emailId: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' });

    const put = record(await gw.admin.put('/v1/users/ann@example.com', { json: { firstName: 'Annie' } }));
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ emailId: 'ann@example.com', firstName: 'Annie', lastName: 'Lee' });
    // Edge updates with POST and sends the whole user back, emailId included.
    const post = record(await gw.admin.post('/v1/users/ann@example.com', { json: { emailId: 'ann@example.com', firstName: 'Annie', lastName: 'Park' } }));
    expect(post.json()).toEqual({ emailId: 'ann@example.com', firstName: 'Annie', lastName: 'Park' });
    expect(record(await gw.admin.get('/v1/users/ANN@example.com')).json()).toEqual({ emailId: 'ann@example.com', firstName: 'Annie', lastName: 'Park' });

    const deleted = record(await gw.admin.delete('/v1/users/ann@example.com'));
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toEqual({ emailId: 'ann@example.com', firstName: 'Annie', lastName: 'Park' });
    expect(expectError(record(await gw.admin.get('/v1/users/ann@example.com')), 404, 'usersandroles.UserDoesNotExist')).toBe('User ann@example.com does not exist');
    expectError(record(await gw.admin.delete('/v1/users/ann@example.com')), 404, 'usersandroles.UserDoesNotExist');
    expect(record(await gw.admin.get('/v1/users')).json()).toEqual(['admin@baton.test']);
  });

  it('lets a created user sign in with Basic, and a password change ends the old password', async () => {
    const first = password('bea');
    const bea = await createUser('bea@example.com', first);
    const self = record(await bea.get('/v1/users/bea@example.com'));
    expect(self.status).toBe(200);
    expect(self.json()).toEqual({ emailId: 'bea@example.com', firstName: '', lastName: '' });

    const second = password('bea');
    expect(record(await bea.put('/v1/users/bea@example.com', { json: { password: second } })).status).toBe(200);
    const old = await bea.get('/v1/users/bea@example.com');
    expectError(old, 401, 'security.Unauthorized');
    expect(old.headers['www-authenticate']).toBe('Basic realm="Baton", Bearer realm="Baton"');
    const renewed = adminClient(gw.gateway.adminUrl, { user: 'bea@example.com', password: second });
    expect(record(await renewed.get('/v1/users/bea@example.com')).status).toBe(200);
  });

  describe('body validation at the edge', () => {
    it.each([
      ['no body', undefined, 'emailId: required'],
      ['an empty object', {}, 'emailId: required'],
      ['a non-string emailId', { emailId: 42, password: 'long-enough-1' }, 'emailId: expected a string'],
      ['no password', { emailId: 'val@example.com' }, 'password: required'],
      ['a non-string password', { emailId: 'val@example.com', password: 12345678 }, 'password: expected a string'],
      ['a non-string firstName', { emailId: 'val@example.com', password: 'long-enough-1', firstName: ['x'] }, 'firstName: expected a string'],
      ['a non-string lastName', { emailId: 'val@example.com', password: 'long-enough-1', lastName: {} }, 'lastName: expected a string'],
      ['an invalid email', { emailId: 'not-an-email', password: 'long-enough-1' }, 'emailId: expected an email address'],
      ['a short password', { emailId: 'val@example.com', password: 'short' }, 'password: expected 8-1024 characters'],
      ['an array body', [{ emailId: 'val@example.com' }], 'body: expected a JSON object'],
    ])('refuses %s with 400 naming the field', async (_label, json, message) => {
      const response = json === undefined ? await gw.admin.post('/v1/users') : await gw.admin.post('/v1/users', { json });
      record(response);
      expect(expectError(response, 400, invalidParameter)).toBe(message);
    });

    it('never echoes a refused password', async () => {
      const response = record(await gw.admin.post('/v1/users', { json: { emailId: 'val@example.com', password: 'shhh' } }));
      expectError(response, 400, invalidParameter);
      expect(response.text()).not.toContain('shhh');
    });

    it('answers 400 for a body that is not JSON, and 415 for a form or text body', async () => {
      expectError(await gw.admin.post('/v1/users', { body: '{"emailId":', headers: { 'content-type': 'application/json' } }), 400, invalidParameter);
      expectError(await gw.admin.post('/v1/users', { form: { emailId: 'form@example.com', password: 'long-enough-1' } }), 415, 'messaging.config.beans.UnsupportedMediaType');
      expectError(await gw.admin.post('/v1/users', { body: 'x', headers: { 'content-type': 'text/plain' } }), 415, 'messaging.config.beans.UnsupportedMediaType');
      expectError(await gw.admin.get('/v1/users/form@example.com'), 404, 'usersandroles.UserDoesNotExist');
    });

    it('refuses to change the email address on update', async () => {
      await createUser('fixed@example.com', password('fixed'));
      const message = expectError(await gw.admin.put('/v1/users/fixed@example.com', { json: { emailId: 'other@example.com' } }), 400, invalidParameter);
      expect(message).toContain('emailId');
      expect((await gw.admin.get('/v1/users/other@example.com')).status).toBe(404);
    });

    it('ignores unknown fields: none of them grants anything', async () => {
      const secret = password('ivy');
      const response = record(await gw.admin.post('/v1/users', {
        json: { emailId: 'ivy@example.com', password: secret, isAdmin: true, roles: ['orgadmin'], role: [{ name: 'orgadmin' }], passwordHash: 'x', permissions: ['ADMIN'] },
      }));
      expect(response.status).toBe(201);
      expect(response.json()).toEqual({ emailId: 'ivy@example.com', firstName: '', lastName: '' });
      expect((await gw.admin.get('/v1/users/ivy@example.com/userroles')).json()).toEqual({ role: [] });
      const ivy = adminClient(gw.gateway.adminUrl, { user: 'ivy@example.com', password: secret });
      expectError(await ivy.get('/v1/organizations/demo'), 403, 'security.Forbidden');
      expectError(await ivy.get('/v1/users'), 403, 'security.Forbidden');
    });

    it.each([
      ['a top-level __proto__', (secret: string) => `{"emailId":"proto@example.com","password":"${secret}","__proto__":{"admin":true,"isAdmin":true}}`],
      ['a nested __proto__', (secret: string) => `{"emailId":"proto@example.com","password":"${secret}","firstName":{"__proto__":{"isAdmin":true}}}`],
      ['constructor.prototype', (secret: string) => `{"emailId":"proto@example.com","password":"${secret}","constructor":{"prototype":{"isAdmin":true}}}`],
    ])('refuses %s with 400 and grants nothing', async (_label, toBody) => {
      const secret = password('proto');
      const response = record(await gw.admin.post('/v1/users', { body: toBody(secret), headers: { 'content-type': 'application/json' } }));
      expectError(response, 400, invalidParameter);
      expect((await gw.admin.get('/v1/users/proto@example.com')).status).toBe(404);
      expect((await adminClient(gw.gateway.adminUrl, { user: 'proto@example.com', password: secret }).get('/v1/users')).status).toBe(401);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });
  });

  it('answers 409 UserAlreadyExists for a duplicate in any letter case', async () => {
    await createUser('dup@example.com', password('dup'));
    const message = expectError(record(await gw.admin.post('/v1/users', { json: { emailId: 'DUP@example.com', password: password('dup') } })), 409, 'usersandroles.UserAlreadyExists');
    expect(message).toBe('User DUP@example.com already exists');
  });

  it('lets only an ADMIN create, list and delete users; a user reads only themselves', async () => {
    await createUser('target@example.com', password('target'));
    const carl = await createUser('carl@example.com', password('carl'));
    for (const response of [
      await carl.post('/v1/users', { json: { emailId: 'new@example.com', password: 'long-enough-1' } }),
      await carl.get('/v1/users'),
      await carl.get('/v1/users/target@example.com'),
      await carl.put('/v1/users/target@example.com', { json: { firstName: 'Owned' } }),
      await carl.delete('/v1/users/target@example.com'),
      await carl.get('/v1/users/target@example.com/userroles'),
      // Deleting an account needs ADMIN, even one's own.
      await carl.delete('/v1/users/carl@example.com'),
    ]) {
      expectError(record(response), 403, 'security.Forbidden');
    }
    expect((await gw.admin.get('/v1/users/target@example.com')).json()).toMatchObject({ firstName: '' });
    expect((await gw.admin.get('/v1/users/new@example.com')).status).toBe(404);
    expect((await carl.put('/v1/users/carl@example.com', { json: { lastName: 'Self' } })).json()).toEqual({ emailId: 'carl@example.com', firstName: '', lastName: 'Self' });
  });

  it('keeps the administrator: it cannot be deleted', async () => {
    const message = expectError(await gw.admin.delete('/v1/users/admin@baton.test'), 400, invalidParameter);
    expect(message).toContain('administrator');
    expect((await gw.admin.get('/v1/users/admin@baton.test')).status).toBe(200);
  });

  it("lists a user's roles in Edge's shape", async () => {
    const dana = await createUser('dana@example.com', password('dana'));
    expect((await gw.admin.post('/v1/organizations/demo/userroles/businessuser/users', { query: { id: 'dana@example.com' } })).status).toBe(201);
    const response = await gw.admin.get('/v1/users/dana@example.com/userroles');
    expect(response.json()).toEqual({ role: [{ name: 'businessuser', organization: 'demo' }] });
    expect((await dana.get('/v1/users/dana@example.com/userroles')).json()).toEqual({ role: [{ name: 'businessuser', organization: 'demo' }] });
    expectError(await gw.admin.get('/v1/users/ghost@example.com/userroles'), 404, 'usersandroles.UserDoesNotExist');
  });

  it('never shows a password or its hash in a response or a log line', () => {
    expect(passwords.length).toBeGreaterThan(5);
    const logText = JSON.stringify(gw.logs);
    for (const text of texts) {
      expect(text).not.toMatch(/scrypt|passwordHash|"password"/);
      for (const secret of passwords) expect(text).not.toContain(secret);
    }
    for (const secret of passwords) expect(logText).not.toContain(secret);
  });
});
