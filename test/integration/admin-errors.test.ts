// Management API errors (compat §1.6, §5): every non-2xx is the JSON body; auth challenges; no CORS, no leaks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizationRoutes } from '../../src/admin/routes/organization-routes.js';
import { adminClient, type AdminResponse } from '../helpers/admin-client.js';
import { rawExchange } from '../helpers/raw-exchange.js';
import { probeRoutes } from '../unit/admin/probe-routes.js';
import { startTestAdminServer, testToken, testUsers, type TestAdminServer } from '../unit/admin/start-test-admin-server.js';

interface ErrorBody {
  code: string;
  message: string;
  contexts: unknown[];
  errors?: string[];
}

function expectErrorBody(response: AdminResponse, status: number, code: string): ErrorBody {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<ErrorBody>();
  expect(body).toMatchObject({ code, contexts: [] });
  expect(typeof body.message).toBe('string');
  expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  return body;
}

describe('admin errors', () => {
  let server: TestAdminServer;
  beforeAll(async () => {
    server = await startTestAdminServer({ routes: [organizationRoutes, probeRoutes] });
  });
  afterAll(() => server.close());

  describe('authentication (401 / 400)', () => {
    const challenge = 'Basic realm="Baton", Bearer realm="Baton"';

    it.each([
      ['no credentials', undefined],
      ['a wrong password', `Basic ${Buffer.from(`${testUsers.admin.user}:wrong`).toString('base64')}`],
      ['an unknown user', `Basic ${Buffer.from('ghost@baton.test:x').toString('base64')}`],
      ['an unknown token', 'Bearer nope'],
    ])('answers 401 with WWW-Authenticate for %s', async (_label, authorization) => {
      const response = await adminClient(server.url).get('/v1/organizations/demo', { headers: authorization ? { authorization } : {} });
      expectErrorBody(response, 401, 'security.Unauthorized');
      expect(response.headers['www-authenticate']).toBe(challenge);
    });

    it('passes the AccessService 400 for a malformed header through', async () => {
      const response = await adminClient(server.url).get('/v1/organizations/demo', { headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } });
      expectErrorBody(response, 400, 'messaging.config.beans.InvalidParameter');
    });

    it('authenticates before routing, so unknown paths do not answer anonymous callers', async () => {
      const response = await server.client().get('/v1/nothing-here');
      expectErrorBody(response, 401, 'security.Unauthorized');
    });

    it('authenticates before reading a body', async () => {
      const response = await server.client().post('/v1/upload', { body: Buffer.alloc(1024), headers: { 'content-type': 'application/octet-stream' } });
      expectErrorBody(response, 401, 'security.Unauthorized');
    });

    it('gets 401 for a browser-style form POST without credentials', async () => {
      const response = await server.client().post('/v1/o/demo/e/test/params', { form: { action: 'deploy' }, headers: { origin: 'https://evil.example' } });
      expectErrorBody(response, 401, 'security.Unauthorized');
    });

    it('attaches the Principal for Basic and Bearer', async () => {
      expect((await server.client('viewer').get('/v1/whoami')).json()).toEqual({ user: testUsers.viewer.user, method: 'basic' });
      expect((await adminClient(server.url, { token: testToken }).get('/v1/whoami')).json()).toEqual({ user: testUsers.admin.user, method: 'bearer' });
    });
  });

  it('answers 403 naming the user and the permission', async () => {
    const body = expectErrorBody(await server.client('nobody').get('/v1/organizations/demo'), 403, 'security.Forbidden');
    expect(body.message).toBe(`User ${testUsers.nobody.user} lacks permission READ`);
    const deploy = expectErrorBody(await server.client('viewer').get('/v1/needs-deploy'), 403, 'security.Forbidden');
    expect(deploy.message).toContain('DEPLOY_UNDEPLOY');
  });

  it('answers 404 ResourceNotFound for unknown routes', async () => {
    const body = expectErrorBody(await server.client('admin').get('/v1/organizations/demo/nothing'), 404, 'messaging.config.beans.ResourceNotFound');
    expect(body.message).toContain('/v1/organizations/demo/nothing');
    expectErrorBody(await server.client('admin').get('/'), 404, 'messaging.config.beans.ResourceNotFound');
  });

  it('answers 405 with Allow for a known path and the wrong verb', async () => {
    const response = await server.client('admin').delete('/v1/o/demo/e/test');
    expectErrorBody(response, 405, 'messaging.config.beans.MethodNotAllowed');
    expect(response.headers.allow).toBe('GET, HEAD');
    const only = await server.client('admin').get('/v1/only-delete');
    expectErrorBody(only, 405, 'messaging.config.beans.MethodNotAllowed');
    expect(only.headers.allow).toBe('DELETE');
  });

  it('answers OPTIONS (a CORS preflight) with 405 and no CORS headers', async () => {
    const response = await server.client('admin').request('OPTIONS', '/v1/organizations', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expectErrorBody(response, 405, 'messaging.config.beans.MethodNotAllowed');
  });

  it('answers 400 InvalidParameter for a malformed JSON body', async () => {
    const response = await server.client('admin').post('/v1/json', { body: '{"name":', headers: { 'content-type': 'application/json' } });
    const body = expectErrorBody(response, 400, 'messaging.config.beans.InvalidParameter');
    expect(body.message).toMatch(/not valid JSON/);
  });

  it('answers 415 for an unparseable Content-Type and for a handler refusing a type', async () => {
    const response = await server.client('admin').post('/v1/upload', { body: 'x', headers: { 'content-type': 'nonsense' } });
    expectErrorBody(response, 415, 'messaging.config.beans.UnsupportedMediaType');
    const refused = await server.client('admin').get('/v1/unsupported', { headers: { 'content-type': 'text/csv' } });
    expect(expectErrorBody(refused, 415, 'messaging.config.beans.UnsupportedMediaType').message).toContain('text/csv');
  });

  it('answers 400 for a URL fastify cannot decode', async () => {
    expectErrorBody(await server.client('admin').get('/v1/organizations/%E0%A4%A'), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('maps a BundleError to InvalidBundle with every problem', async () => {
    const body = expectErrorBody(await server.client('admin').get('/v1/bundle-error'), 400, 'messaging.config.beans.InvalidBundle');
    expect(body.errors).toEqual(['proxies/default.xml: Step AM-Missing refers to a policy that does not exist', 'policies/X.xml: unknown policy type Y']);
    expect(body.message).toBe(body.errors![0]);
    const large = expectErrorBody(await server.client('admin').get('/v1/bundle-too-large'), 413, 'messaging.config.beans.BundleTooLarge');
    expect(large.message).toBe('Bundle exceeds the limit of 10 bytes');
  });

  it('maps StoreError to 500 WriteFailed (507 for no-space), details only in the log', async () => {
    const io = expectErrorBody(await server.client('admin').get('/v1/store-failure'), 500, 'baton.store.WriteFailed');
    expect(JSON.stringify(io)).not.toContain('/var/lib/baton');
    expectErrorBody(await server.client('admin').get('/v1/store-failure', { query: { code: 'no-space' } }), 507, 'baton.store.InsufficientStorage');
    expect(JSON.stringify(server.logs)).toContain('disk on fire');
  });

  it('answers an unexpected error with a generic 500 and logs the details', async () => {
    const response = await server.client('admin').get('/v1/boom');
    const body = expectErrorBody(response, 500, 'baton.InternalError');
    expect(body.message).toBe('Internal error');
    expect(response.text()).not.toMatch(/secret detail|\.ts:|at /);
    const logged = server.logs.find((l) => l.msg === 'management API request failed' && l.route === '/v1/boom');
    expect(JSON.stringify(logged)).toContain('secret detail');
  });

  it('answers malformed HTTP with the JSON error body', async () => {
    const reply = await rawExchange(server.port, 'GET /v1/organizations HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'messaging.config.beans.InvalidParameter', contexts: [] });
  });

  it('answers oversized request headers with 431 and the JSON error body', async () => {
    const reply = await rawExchange(server.port, `GET /v1/organizations HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'baton.http.RequestHeaderFieldsTooLarge', contexts: [] });
  });

  it('sends no CORS headers on success either', async () => {
    const response = await server.client('admin').get('/v1/organizations', { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
    expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});
