// API proxies over the management API (compat §2.1, §2.2, §2.5, §5): import, validate, create, list, get, delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, toAuthorization, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const revisionKeys = [
  'basepaths', 'configurationVersion', 'contextInfo', 'createdAt', 'createdBy', 'description', 'displayName',
  'entityMetaDataAsProperties', 'lastModifiedAt', 'lastModifiedBy', 'manifestVersion', 'name', 'policies', 'proxies',
  'proxyEndpoints', 'resourceFiles', 'resources', 'revision', 'sharedFlows', 'spec', 'targetEndpoints', 'targetServers',
  'targets', 'type',
];

/** A complete bundle whose root XML names another proxy (`source-name`), with files outside apiproxy/. */
function fullBundle(answer = 'hello'): Promise<Uint8Array> {
  return packBundle({
    'README.md': '# not part of the proxy',
    'deploy.sh': 'echo deploy',
    'apiproxy/source-name.xml': `<APIProxy name="source-name"><DisplayName>Orders API</DisplayName>
      <Description>Orders, for tests</Description><Basepaths>/orders</Basepaths></APIProxy>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>/orders</BasePath></HTTPProxyConnection>
      <PreFlow><Response><Step><Name>Z-Answer</Name></Step><Step><Name>AM-Tag</Name></Step></Response></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
    'apiproxy/policies/Z-Answer.xml': `<AssignMessage name="Z-Answer"><AssignTo>response</AssignTo>
      <Set><Payload contentType="text/plain">${answer}</Payload></Set></AssignMessage>`,
    'apiproxy/policies/AM-Tag.xml': '<AssignMessage name="AM-Tag"><Set><Headers><Header name="x-tag">t</Header></Headers></Set></AssignMessage>',
    'apiproxy/resources/xsl/t.xsl': '<xsl:stylesheet/>',
    'apiproxy/resources/jsc/b.js': 'b()',
    'apiproxy/resources/jsc/a.js': 'a()',
  });
}

/** A bundle whose Step names a policy that does not exist: importable only with validate=false. */
function invalidBundle(): Promise<Uint8Array> {
  return packBundle({
    'apiproxy/broken.xml': '<APIProxy name="broken"/>',
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>/broken</BasePath></HTTPProxyConnection>
      <PreFlow><Request><Step><Name>AM-Missing</Name></Step></Request></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
  });
}

const zipHeaders = { 'content-type': 'application/octet-stream' };

function expectError(response: AdminResponse, status: number, code: string): { message: string; errors?: string[] } {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string; contexts: unknown[]; errors?: string[] }>();
  expect(body).toMatchObject({ code, contexts: [] });
  return body;
}

describe('API proxy routes', () => {
  let gw: TestGateway;
  let admin: AdminClient;
  beforeAll(async () => {
    gw = await startGateway();
    admin = gw.admin;
  });
  afterAll(() => gw.close());

  const importZip = (name: string, zip: Uint8Array, query: Record<string, string | boolean> = {}, client = admin) =>
    client.post('/v1/o/demo/apis', { query: { action: 'import', name, ...query }, body: zip, headers: zipHeaders });

  describe('import', () => {
    it('answers 201 with the revision JSON: exact keys, string revision, numeric times, sorted lists', async () => {
      const response = await importZip('orders', await fullBundle());
      expect(response.status, response.text()).toBe(201);
      const view = response.json<Record<string, unknown>>();
      expect(Object.keys(view).sort()).toEqual([...revisionKeys].sort());
      expect(view).toMatchObject({
        name: 'orders',
        revision: '1',
        basepaths: ['/orders'],
        configurationVersion: { majorVersion: 4, minorVersion: 0 },
        contextInfo: 'Revision 1 of application orders, in organization demo',
        createdBy: 'admin@baton.test',
        lastModifiedBy: 'admin@baton.test',
        description: 'Orders, for tests',
        displayName: 'Orders API',
        policies: ['AM-Tag', 'Z-Answer'],
        proxies: ['default'],
        proxyEndpoints: ['default'],
        targets: [],
        targetEndpoints: [],
        resources: ['jsc://a.js', 'jsc://b.js', 'xsl://t.xsl'],
        resourceFiles: { resourceFile: [{ name: 'a.js', type: 'jsc' }, { name: 'b.js', type: 'jsc' }, { name: 't.xsl', type: 'xsl' }] },
        sharedFlows: [],
        targetServers: [],
        spec: '',
        type: 'Application',
      });
      expect(typeof view.createdAt).toBe('number');
      expect(typeof view.lastModifiedAt).toBe('number');
      expect(view.manifestVersion).toMatch(/^SHA-512:[0-9a-f]{128}$/);
      const meta = view.entityMetaDataAsProperties as Record<string, unknown>;
      expect(meta).toEqual({
        bundle_type: 'zip', createdAt: String(view.createdAt), createdBy: 'admin@baton.test',
        lastModifiedAt: String(view.lastModifiedAt), lastModifiedBy: 'admin@baton.test', subType: 'null',
      });
    });

    it('names the proxy after the name parameter, never the root XML, and ignores files outside apiproxy/', async () => {
      await importZip('renamed', await fullBundle());
      expect((await admin.get('/v1/organizations/demo/apis/source-name')).status).toBe(404);
      expect((await admin.get('/v1/o/demo/apis/renamed/revisions/1')).json()).toMatchObject({ name: 'renamed', displayName: 'Orders API' });
      // The stored zip keeps the imported bytes (export returns them), but the revision is built from apiproxy/ alone.
      const stored = (await gw.gateway.revisions.loadBundle(gw.gateway.revisions.getRevision('demo', 'renamed', 1)!)).files;
      expect([...stored.keys()].filter((f) => !f.startsWith('resources/')).sort()).toEqual(['policies/AM-Tag.xml', 'policies/Z-Answer.xml', 'proxies/default.xml', 'source-name.xml']);
    });

    it('numbers revisions 1, 2, 3 across imports, concurrent ones included', async () => {
      const zip = await fullBundle();
      expect((await importZip('numbered', zip)).json()).toMatchObject({ revision: '1' });
      const concurrent = await Promise.all([importZip('numbered', zip), importZip('numbered', zip)]);
      expect(concurrent.map((r) => r.status)).toEqual([201, 201]);
      expect(concurrent.map((r) => r.json<{ revision: string }>().revision).sort()).toEqual(['2', '3']);
      expect((await admin.get('//v1/organizations/demo/apis/numbered/')).json()).toMatchObject({ name: 'numbered', revision: ['1', '2', '3'] });
      expect((await admin.get('/v1/o/demo/apis/numbered/revisions')).json()).toEqual(['1', '2', '3']);
    });

    it('accepts the zip as multipart field file and a form-declared body', async () => {
      const zip = await fullBundle();
      const multipart = await admin.post('/v1/organizations/demo/apis?action=import&name=multi', { file: zip });
      expect(multipart.status, multipart.text()).toBe(201);
      const form = await admin.post('/v1/o/demo/apis?action=import&name=multi', { body: zip, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.json()).toMatchObject({ revision: '2' });
    });

    it('stores an invalid bundle with validate=false (the default), refuses it with validate=true listing errors', async () => {
      const zip = await invalidBundle();
      const refused = expectError(await importZip('strict', zip, { validate: true }), 400, 'messaging.config.beans.InvalidBundle');
      expect(refused.errors).toEqual([expect.stringContaining('AM-Missing')]);
      expect(refused.message).toBe(refused.errors![0]);
      expect((await admin.get('/v1/o/demo/apis/strict')).status).toBe(404);
      expect((await importZip('strict', zip)).status).toBe(201);
      expect((await importZip('strict', zip, { validate: 'FALSE' })).json()).toMatchObject({ revision: '2' });
    });

    it('action=validate answers 200 with the revision it would create and stores nothing', async () => {
      await importZip('validated', await fullBundle());
      const response = await admin.post('/v1/o/demo/apis', { query: { action: 'validate', name: 'validated' }, body: await fullBundle('other'), headers: zipHeaders });
      expect(response.status, response.text()).toBe(200);
      expect(response.json()).toMatchObject({ name: 'validated', revision: '2', policies: ['AM-Tag', 'Z-Answer'] });
      expect((await admin.get('/v1/o/demo/apis/validated/revisions')).json()).toEqual(['1']);
      expect((await admin.post('/v1/o/demo/apis', { query: { action: 'validate', name: 'ghost' }, body: await fullBundle(), headers: zipHeaders })).status).toBe(200);
      expect((await admin.get('/v1/o/demo/apis/ghost')).status).toBe(404);
      const invalid = expectError(await admin.post('/v1/o/demo/apis', { query: { action: 'validate', name: 'ghost' }, body: await invalidBundle(), headers: zipHeaders }), 400, 'messaging.config.beans.InvalidBundle');
      expect(invalid.errors!.length).toBeGreaterThan(0);
    });

    it('refuses a missing name, an unknown action, a bad proxy name, an unreadable zip and no body with 400', async () => {
      const zip = await fullBundle();
      expectError(await admin.post('/v1/o/demo/apis', { query: { action: 'import' }, body: zip, headers: zipHeaders }), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await admin.post('/v1/o/demo/apis', { query: { action: 'explode', name: 'x' }, body: zip, headers: zipHeaders }), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await admin.post('/v1/o/demo/apis', { body: zip, headers: zipHeaders }), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await importZip('bad name', zip), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await importZip('garbage', new TextEncoder().encode('not a zip')), 400, 'messaging.config.beans.InvalidBundle');
      expectError(await admin.post('/v1/o/demo/apis', { query: { action: 'import', name: 'empty' } }), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await importZip('flags', zip, { validate: 'maybe' }), 400, 'messaging.config.beans.InvalidParameter');
      expect((await admin.get('/v1/o/demo/apis')).json()).not.toContain('garbage');
    });

    it('answers 413 BundleTooLarge for a bundle of 15 MB + 1 byte', async () => {
      const body = Buffer.alloc(15 * 1024 * 1024 + 1, 1);
      const response = await importZip('huge', body);
      expect(expectError(response, 413, 'messaging.config.beans.BundleTooLarge').message).toContain(String(15 * 1024 * 1024));
      expect((await admin.get('/v1/o/demo/apis/huge')).status).toBe(404);
    });
  });

  describe('create, list, get, delete', () => {
    it('creates an empty proxy from JSON {"name"} as revision 1 holding only its root', async () => {
      const response = await admin.post('/v1/organizations/demo/apis', { json: { name: 'empty-one' } });
      expect(response.status, response.text()).toBe(201);
      expect(response.json()).toMatchObject({ name: 'empty-one', revision: '1', proxies: [], policies: [], resources: [] });
      expectError(await admin.post('/v1/o/demo/apis', { json: { name: 'empty-one' } }), 409, 'messaging.config.beans.ApplicationAlreadyExists');
      expectError(await admin.post('/v1/o/demo/apis', { json: { nom: 'x' } }), 400, 'messaging.config.beans.InvalidParameter');
    });

    it('lists names sorted, from startKey, at most count (1-100)', async () => {
      for (const name of ['list-c', 'list-a', 'list-b']) await admin.post('/v1/o/demo/apis', { json: { name } });
      const all = (await admin.get('/v1/o/demo/apis')).json<string[]>();
      expect(all).toEqual([...all].sort());
      expect(all).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c']));
      expect((await admin.get('/v1/o/demo/apis', { query: { startKey: 'list-a', count: 2 } })).json()).toEqual(['list-a', 'list-b']);
      expectError(await admin.get('/v1/o/demo/apis', { query: { count: 101 } }), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await admin.get('/v1/o/demo/apis', { query: { count: 'ten' } }), 400, 'messaging.config.beans.InvalidParameter');
    });

    it('returns the APIProxy JSON, 404 ApplicationDoesNotExist for an unknown proxy or organization', async () => {
      await admin.post('/v1/o/demo/apis', { json: { name: 'shown' } });
      const body = (await admin.get('/v1/o/demo/apis/shown')).json<{ metaData: Record<string, unknown> }>();
      expect(body).toMatchObject({ name: 'shown', revision: ['1'], metaData: { createdBy: 'admin@baton.test', lastModifiedBy: 'admin@baton.test', subType: 'null' } });
      expect(typeof body.metaData.createdAt).toBe('number');
      const missing = expectError(await admin.get('/v1/o/demo/apis/nope'), 404, 'messaging.config.beans.ApplicationDoesNotExist');
      expect(missing.message).toBe('APIProxy named nope does not exist in organization demo');
      expectError(await admin.get('/v1/o/nowhere/apis/nope'), 404, 'messaging.config.beans.OrganizationDoesNotExist');
      expectError(await admin.delete('/v1/o/demo/apis/nope'), 404, 'messaging.config.beans.ApplicationDoesNotExist');
    });

    it('refuses to delete a deployed proxy (400 ApplicationDeployed), deletes it once undeployed (200 APIProxy JSON)', async () => {
      await importZip('doomed', await fullBundle());
      await importZip('doomed', await fullBundle());
      await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'doomed', revision: 2, user: 't' });
      expectError(await admin.delete('/v1/o/demo/apis/doomed'), 400, 'messaging.config.beans.ApplicationDeployed');
      expect((await admin.get('/v1/o/demo/apis/doomed')).json()).toMatchObject({ revision: ['1', '2'] });
      await gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api: 'doomed', revision: 2, user: 't' });
      const deleted = await admin.delete('/v1/organizations/demo/apis/doomed/');
      expect(deleted.status, deleted.text()).toBe(200);
      expect(deleted.json()).toMatchObject({ name: 'doomed', revision: ['1', '2'] });
      expect((await admin.get('/v1/o/demo/apis/doomed')).status).toBe(404);
    });
  });

  describe('permissions and audit', () => {
    let reader: AdminClient;
    let builder: AdminClient;
    beforeAll(async () => {
      const by = await gw.gateway.access.authenticate(toAuthorization({ user: 'admin@baton.test', password: 'test-password' }), 'setup');
      for (const [email, role] of [['reader@baton.test', 'businessuser'], ['builder@baton.test', 'user']] as const) {
        await gw.gateway.access.createUser({ emailId: email, password: `${email}-password` }, by);
        await gw.gateway.access.addUserToRole('demo', role, email, by);
      }
      reader = adminClient(gw.gateway.adminUrl, { user: 'reader@baton.test', password: 'reader@baton.test-password' });
      builder = adminClient(gw.gateway.adminUrl, { user: 'builder@baton.test', password: 'builder@baton.test-password' });
    });

    it('lets a READ-only user read but not import, create or delete (403)', async () => {
      await importZip('guarded', await fullBundle());
      expect((await reader.get('/v1/o/demo/apis/guarded')).status).toBe(200);
      expect((await reader.get('/v1/o/demo/apis')).status).toBe(200);
      expectError(await importZip('guarded', await fullBundle(), {}, reader), 403, 'security.Forbidden');
      expectError(await reader.post('/v1/o/demo/apis', { json: { name: 'sneaky' } }), 403, 'security.Forbidden');
      expectError(await reader.delete('/v1/o/demo/apis/guarded'), 403, 'security.Forbidden');
      expect((await admin.get('/v1/o/demo/apis/guarded')).json()).toMatchObject({ revision: ['1'] });
    });

    it('lets a user with the built-in user role import', async () => {
      const response = await importZip('built', await fullBundle(), {}, builder);
      expect(response.status, response.text()).toBe(201);
      expect(response.json()).toMatchObject({ createdBy: 'builder@baton.test' });
    });

    it('audits a successful and a failed import, and a refused one', async () => {
      await importZip('audited', await fullBundle());
      await importZip('audited', await invalidBundle(), { validate: true });
      await importZip('audited', await fullBundle(), {}, reader);
      const entries = gw.gateway.audit.list('demo').filter((e) => e.target.startsWith('apis/audited'));
      expect(entries).toEqual([
        expect.objectContaining({ user: 'reader@baton.test', operation: 'import', target: 'apis/audited', result: 'failure', details: { status: 403, code: 'security.Forbidden' } }),
        expect.objectContaining({ user: 'admin@baton.test', operation: 'import', target: 'apis/audited', result: 'failure', details: { status: 400, code: 'messaging.config.beans.InvalidBundle' } }),
        expect.objectContaining({ user: 'admin@baton.test', operation: 'import', target: 'apis/audited/revisions/1', result: 'success', details: { status: 201 } }),
      ]);
    });

    it('audits creates and deletes', async () => {
      await admin.post('/v1/o/demo/apis', { json: { name: 'audited-2' } });
      await admin.delete('/v1/o/demo/apis/audited-2');
      const entries = gw.gateway.audit.list('demo').filter((e) => e.target === 'apis/audited-2');
      expect(entries.map((e) => [e.operation, e.result])).toEqual([['delete-api', 'success'], ['create-api', 'success']]);
    });
  });
});
