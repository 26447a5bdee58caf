// Management API paths (compat §1.1): short and long forms, doubled and trailing slashes; verbs and case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizationRoutes } from '../../src/admin/routes/organization-routes.js';
import { probeRoutes } from '../unit/admin/probe-routes.js';
import { startTestAdminServer, type TestAdminServer } from '../unit/admin/start-test-admin-server.js';

describe('admin paths', () => {
  let server: TestAdminServer;
  beforeAll(async () => {
    server = await startTestAdminServer({ routes: [organizationRoutes, probeRoutes] });
  });
  afterAll(() => server.close());

  const forms = [
    '/v1/organizations/demo/environments/test/probe',
    '/v1/o/demo/environments/test/probe',
    '/v1/organizations/demo/e/test/probe',
    '/v1/o/demo/e/test/probe',
    '//v1/o/demo/e/test/probe',
    '//v1/organizations/demo/environments/test/probe/',
    '/v1/o/demo/e/test/probe/',
    '//v1//o//demo/e/test/probe',
  ];

  it.each(forms)('%s routes like the long form', async (path) => {
    const response = await server.client('admin').get(path, { query: { x: '1' } });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ org: 'demo', env: 'test', url: '/v1/organizations/demo/environments/test/probe?x=1' });
  });

  it('applies to real routes too: every spelling of a virtual host path answers the same body', async () => {
    const client = server.client('admin');
    const long = await client.get('/v1/organizations/demo/environments/test/virtualhosts/default');
    expect(long.status).toBe(200);
    for (const path of ['/v1/o/demo/e/test/virtualhosts/default', '//v1/o/demo/environments/test/virtualhosts/default/', '/v1/o/demo/e/test/virtualhosts']) {
      const response = await client.get(path);
      expect(response.status, path).toBe(200);
      if (path.endsWith('default') || path.endsWith('default/')) expect(response.json()).toEqual(long.json());
    }
    expect((await server.client('viewer').get('/v1/o')).json()).toEqual(['demo']);
    expect((await client.get('/v1/o/demo/e')).json()).toEqual(['test', 'prod']);
  });

  it('only rewrites o and e in their positions', async () => {
    const response = await server.client('admin').get('/v1/organizations/o/environments/e/probe');
    expect(response.json()).toMatchObject({ org: 'o', env: 'e' });
  });

  it('is case-sensitive: /V1 is not a route', async () => {
    const response = await server.client('admin').get('/V1/organizations/demo');
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ code: 'messaging.config.beans.ResourceNotFound' });
  });

  it('ignores X-HTTP-Method-Override', async () => {
    const response = await server.client('admin').post('/v1/organizations/demo', { headers: { 'x-http-method-override': 'GET' } });
    expect(response.status).toBe(405);
  });

  it('does not decode %2f into a path separator', async () => {
    const response = await server.client('admin').get('/v1/organizations/demo%2fenvironments%2ftest');
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ code: 'messaging.config.beans.OrganizationDoesNotExist' });
  });

  it('keeps the health routes public under the rewrite', async () => {
    expect((await server.client().get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await server.client().get('/healthz/')).status).toBe(200);
    expect((await server.client().get('/readyz')).json()).toEqual({ status: 'ready', problems: [] });
  });
});
