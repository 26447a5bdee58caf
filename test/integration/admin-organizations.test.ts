// Organizations, environments and virtual hosts over config and runtimes (compat §4), and XML negotiation (§1.3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizationRoutes } from '../../src/admin/routes/organization-routes.js';
import { probeRoutes } from '../unit/admin/probe-routes.js';
import { startedAt, startTestAdminServer, testUsers, type TestAdminServer } from '../unit/admin/start-test-admin-server.js';

describe('organization routes', () => {
  let server: TestAdminServer;
  beforeAll(async () => {
    server = await startTestAdminServer({ routes: [organizationRoutes, probeRoutes], referencedVirtualHosts: { 'demo/test': ['default', 'legacy', 'secure'] } });
  });
  afterAll(() => server.close());

  it('lists the organizations the caller can read, every one for an ADMIN', async () => {
    expect((await server.client('viewer').get('/v1/organizations')).json()).toEqual(['demo']);
    expect((await server.client('nobody').get('/v1/organizations')).json()).toEqual([]);
    expect((await server.client('admin').get('/v1/organizations')).json()).toEqual(['demo', 'other']);
  });

  it('returns an organization', async () => {
    const response = await server.client('viewer').get('/v1/organizations/demo');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      name: 'demo',
      displayName: 'Demo Org',
      environments: ['test', 'prod'],
      properties: { property: [{ name: 'features.isHTTPStatusTooManyRequestEnabled', value: 'true' }] },
    });
  });

  it('lists and returns environments', async () => {
    expect((await server.client('viewer').get('/v1/organizations/demo/environments')).json()).toEqual(['test', 'prod']);
    expect((await server.client('viewer').get('/v1/o/demo/e/test')).json()).toEqual({
      name: 'test',
      createdAt: startedAt,
      createdBy: testUsers.admin.user,
      lastModifiedAt: startedAt,
      lastModifiedBy: testUsers.admin.user,
      description: 'Test environment',
      properties: { property: [{ name: 'useSameSourceIpForTargets', value: 'false' }] },
    });
    const prod = (await server.client('viewer').get('/v1/o/demo/e/prod')).json<Record<string, unknown>>();
    expect(prod).not.toHaveProperty('description');
    expect(prod.properties).toEqual({ property: [] });
  });

  it('lists configured virtual hosts, then names deployed bundles reference', async () => {
    expect((await server.client('viewer').get('/v1/o/demo/e/test/virtualhosts')).json()).toEqual(['default', 'secure', 'legacy']);
    expect((await server.client('viewer').get('/v1/o/demo/e/prod/virtualhosts')).json()).toEqual(['main']);
  });

  it('returns a plain virtual host with a string port, one alias and no sSLInfo', async () => {
    const body = (await server.client('viewer').get('/v1/o/demo/e/test/virtualhosts/default')).json<Record<string, unknown>>();
    expect(body).toEqual({
      name: 'default',
      port: '8080',
      hostAliases: ['api.example.test'],
      interfaces: [],
      listenOptions: [],
      retryOptions: [],
      properties: { property: [] },
    });
    expect(body).not.toHaveProperty('sSLInfo');
  });

  it('returns a TLS virtual host with sSLInfo enabled "true"', async () => {
    const body = (await server.client('viewer').get('/v1/o/demo/e/test/virtualhosts/secure')).json<Record<string, unknown>>();
    expect(body).toMatchObject({ name: 'secure', port: '8443', hostAliases: ['api.example.test'] });
    expect(body.sSLInfo).toEqual({ enabled: 'true', clientAuthEnabled: 'false', ignoreValidationErrors: 'false', ciphers: [], protocols: ['TLSv1.2', 'TLSv1.3'] });
  });

  it('answers 200 for a referenced, unconfigured virtual host, mapped to the default listener', async () => {
    const body = (await server.client('viewer').get('/v1/o/demo/e/test/virtualhosts/legacy')).json<Record<string, unknown>>();
    expect(body).toMatchObject({ name: 'legacy', port: '8080', hostAliases: ['api.example.test'] });
    expect(body).not.toHaveProperty('sSLInfo');
  });

  it('shows a wildcard bind without aliases as localhost', async () => {
    expect((await server.client('viewer').get('/v1/o/demo/e/prod/virtualhosts/main')).json()).toMatchObject({ port: '9001', hostAliases: ['localhost'] });
  });

  describe('not found and forbidden', () => {
    it.each([
      ['/v1/organizations/nope', 'messaging.config.beans.OrganizationDoesNotExist', 'Organization nope does not exist'],
      ['/v1/organizations/nope/environments', 'messaging.config.beans.OrganizationDoesNotExist', 'Organization nope does not exist'],
      ['/v1/o/demo/e/staging', 'messaging.config.beans.EnvironmentDoesNotExist', 'Environment staging does not exist in organization demo'],
      ['/v1/o/demo/e/staging/virtualhosts', 'messaging.config.beans.EnvironmentDoesNotExist', 'Environment staging does not exist in organization demo'],
      ['/v1/o/demo/e/test/virtualhosts/nope', 'messaging.config.beans.VirtualHostDoesNotExist', 'VirtualHost nope does not exist in environment test of organization demo'],
      ['/v1/o/Demo', 'messaging.config.beans.OrganizationDoesNotExist', 'Organization Demo does not exist'],
    ])('%s → 404 %s', async (path, code, message) => {
      const response = await server.client('viewer').get(path);
      expect(response.status).toBe(404);
      expect(response.json()).toEqual({ code, message, contexts: [] });
    });

    it('needs READ in the organization', async () => {
      for (const path of ['/v1/o/demo', '/v1/o/demo/e', '/v1/o/demo/e/test', '/v1/o/demo/e/test/virtualhosts', '/v1/o/demo/e/test/virtualhosts/default']) {
        const response = await server.client('nobody').get(path);
        expect(response.status, path).toBe(403);
        expect(response.json()).toMatchObject({ code: 'security.Forbidden' });
      }
    });

    it('needs READ in the environment for environment routes', async () => {
      const client = server.client('testViewer');
      expect((await client.get('/v1/o/demo/e/test/virtualhosts')).status).toBe(200);
      expect((await client.get('/v1/o/demo/e/prod')).status).toBe(403);
      expect((await client.get('/v1/o/demo/e/prod/virtualhosts/main')).status).toBe(403);
    });

    it('answers 405 for writes', async () => {
      const response = await server.client('admin').post('/v1/o/demo/e/test/virtualhosts', { json: { name: 'x' } });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    });
  });
});

describe('XML negotiation', () => {
  let server: TestAdminServer;
  beforeAll(async () => {
    server = await startTestAdminServer({ routes: [probeRoutes] });
  });
  afterAll(() => server.close());

  it.each([
    ['application/xml', true],
    ['text/xml', true],
    ['application/xml, */*', true],
    ['application/xml;q=0.9', true],
    ['application/json', false],
    ['application/xml, application/json', false],
    ['application/json;q=0.5, application/xml', false],
    ['application/xml;q=0, application/json', false],
    ['*/*', false],
    [undefined, false],
  ])('Accept %s → XML %s', async (accept, xml) => {
    const response = await server.client('admin').get('/v1/xml', { headers: accept ? { accept } : {} });
    expect(response.status).toBe(200);
    if (xml) {
      expect(response.headers['content-type']).toMatch(/^application\/xml/);
      expect(response.text()).toBe('<Thing name="&lt;a &amp; &quot;b&quot;&gt;"/>');
    } else {
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ name: '<a & "b">' });
    }
  });

  it('keeps errors in JSON even when XML is asked for', async () => {
    const response = await server.client('admin').get('/v1/boom', { headers: { accept: 'application/xml' } });
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });
});
