// Per-file sub-resources of a revision (compat §2.4): the root-only import then file-by-file upload deploy tooling does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { BundleError } from '../../src/errors.js';
import { adminClient, toAuthorization, type AdminResponse } from '../helpers/admin-client.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

const xml = { 'content-type': 'application/xml' };
const octets = { 'content-type': 'application/octet-stream' };

const proxyXml = `<ProxyEndpoint name="default">
  <HTTPProxyConnection><BasePath>/files</BasePath></HTTPProxyConnection>
  <PreFlow><Request><Step><Name>AM-Tag</Name></Step></Request></PreFlow>
  <PostFlow><Response><Step><Name>AM-Stamp</Name></Step></Response></PostFlow>
  <RouteRule name="default"><TargetEndpoint>backend</TargetEndpoint></RouteRule>
</ProxyEndpoint>`;
const tagXml = '<AssignMessage name="AM-Tag"><Set><Headers><Header name="x-tag">tagged</Header></Headers></Set></AssignMessage>';
const stampXml = (value: string): string =>
  `<AssignMessage name="AM-Stamp"><AssignTo>response</AssignTo><Set><Headers><Header name="x-stamp">${value}</Header></Headers></Set></AssignMessage>`;
const unusedXml = '<RaiseFault name="RF-Unused"><FaultResponse><Set><StatusCode>418</StatusCode></Set></FaultResponse></RaiseFault>';

function expectError(response: AdminResponse, status: number, code: string): { message: string } {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string }>();
  expect(body).toMatchObject({ code, contexts: [] });
  return body;
}

/** Runs the tasks at most `limit` at a time (deploy tooling uploads four files in parallel), in order of start. */
async function runLimited<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe('revision sub-resources', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw.close();
    await target.close();
  });

  const base = (api: string, rev = 1): string => `/v1/o/demo/apis/${api}/revisions/${rev}`;
  const importRootOnly = async (api: string): Promise<void> => {
    const response = await gw.admin.post(`/v1/organizations/demo/apis?action=import&name=${api}&validate=false`, {
      body: await packBundle({ [`apiproxy/${api}.xml`]: `<APIProxy name="${api}"/>` }),
      headers: octets,
    });
    expect(response.status, response.text()).toBe(201);
  };
  const deploy = (api: string) => gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api, revision: 1, user: 't' });

  /** Every file of a complete proxy, as deploy tooling uploads them after a root-only import. */
  const uploads = (api: string) => [
    () => gw.admin.post(`${base(api)}/proxies?name=default`, { body: proxyXml, headers: xml }),
    () => gw.admin.post(`/v1/organizations/demo/apis/${api}/revisions/1/targets?name=default`, {
      body: `<TargetEndpoint name="backend">${toUrlConnection(target.url)}</TargetEndpoint>`, headers: xml,
    }),
    () => gw.admin.post(`${base(api)}/policies`, { body: tagXml, headers: xml }),
    () => gw.admin.post(`${base(api)}/policies`, { body: stampXml('one'), headers: { 'content-type': 'text/xml; charset=utf-8' } }),
    () => gw.admin.post(`${base(api)}/policies`, { body: unusedXml, headers: xml }),
    () => gw.admin.post(`${base(api)}/resourcefiles?type=jsc&name=a.js`, { body: 'a()', headers: octets }),
    // compat §2.4: resource names may hold unencoded slashes.
    () => gw.admin.post(`${base(api)}/resourcefiles?type=jsc&name=sub/dir/b.js`, { file: new TextEncoder().encode('b()') }),
    () => gw.admin.post(`${base(api)}/resources?type=xsl&name=t.xsl`, { body: '<xsl:stylesheet/>', headers: octets }),
  ];

  describe('a root-only import completed file by file', () => {
    beforeAll(async () => {
      await importRootOnly('files');
    });

    it('is stored but cannot be deployed before its files arrive', async () => {
      expect((await gw.admin.get(base('files'))).json()).toMatchObject({ revision: '1', proxies: [], policies: [] });
      const refused = await deploy('files').catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(BundleError);
      expect((refused as BundleError).status).toBe(400);
    });

    it('takes 4 parallel uploads at a time, loses none, then deploys and serves', async () => {
      const responses = await runLimited(uploads('files'), 4);
      expect(responses.map((r) => [r.status, r.text()])).toEqual(responses.map((r) => [201, r.text()]));
      expect(responses[0]!.json()).toMatchObject({ name: 'default', connection: { basePath: '/files' } });
      expect(responses[1]!.json()).toMatchObject({ name: 'backend', connection: { url: target.url } });
      expect(responses[2]!.json()).toEqual({ name: 'AM-Tag', policyType: 'AssignMessage', displayName: 'AM-Tag', enabled: true, continueOnError: false, async: false, faultRules: [] });
      expect(responses[6]!.json()).toEqual({ name: 'sub/dir/b.js', type: 'jsc' });
      expect(responses[7]!.json()).toEqual({ name: 't.xsl', type: 'xsl' });

      expect((await gw.admin.get(base('files'))).json()).toMatchObject({
        policies: ['AM-Stamp', 'AM-Tag', 'RF-Unused'],
        proxies: ['default'],
        targets: ['backend'],
        resources: ['jsc://a.js', 'jsc://sub/dir/b.js', 'xsl://t.xsl'],
      });
      expect((await gw.admin.get(`${base('files')}/policies`)).json()).toEqual(['AM-Stamp', 'AM-Tag', 'RF-Unused']);
      expect((await gw.admin.get(`${base('files')}/proxies`)).json()).toEqual(['default']);
      expect((await gw.admin.get(`${base('files')}/targets`)).json()).toEqual(['backend']);
      expect((await gw.admin.get(`${base('files')}/resourcefiles`)).json()).toEqual({
        resourceFile: [{ name: 'a.js', type: 'jsc' }, { name: 'sub/dir/b.js', type: 'jsc' }, { name: 't.xsl', type: 'xsl' }],
      });

      await deploy('files');
      const response = await request(`${gw.url()}/files/hello`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-stamp']).toBe('one');
      const echoed = (await response.body.json()) as { url: string; headers: Record<string, string> };
      expect(echoed).toMatchObject({ url: '/hello', headers: { 'x-tag': 'tagged' } });
    });

    it('serves a per-file change of the deployed revision on the next request; an undeployable one changes nothing', async () => {
      const replaced = await gw.admin.post(`${base('files')}/policies`, { body: stampXml('two'), headers: xml });
      expect(replaced.status, replaced.text()).toBe(201);
      expect((await request(`${gw.url()}/files/x`)).headers['x-stamp']).toBe('two');

      const before = (await gw.admin.get(base('files'))).json();
      // The ProxyEndpoint refers to AM-Stamp: deleting it would leave the deployed revision unable to run.
      expectError(await gw.admin.delete(`${base('files')}/policies/AM-Stamp`), 400, 'messaging.config.beans.InvalidBundle');
      expect((await request(`${gw.url()}/files/x`)).headers['x-stamp']).toBe('two');
      expect((await gw.admin.get(base('files'))).json()).toEqual(before);
    });

    it('returns policies and endpoints as JSON, or as the stored XML when Accept asks for XML alone', async () => {
      const policy = await gw.admin.get(`${base('files')}/policies/AM-Tag`);
      expect(policy.json()).toMatchObject({ name: 'AM-Tag', policyType: 'AssignMessage' });
      const policyXml = await gw.admin.get(`${base('files')}/policies/AM-Tag`, { headers: { accept: 'application/xml' } });
      expect(policyXml.headers['content-type']).toMatch(/^application\/xml/);
      expect(policyXml.text()).toBe(tagXml);
      expect((await gw.admin.get(`${base('files')}/policies/AM-Tag`, { headers: { accept: 'application/xml, application/json' } })).json()).toMatchObject({ name: 'AM-Tag' });

      expect((await gw.admin.get(`${base('files')}/proxies/default`)).json()).toEqual({
        name: 'default',
        connection: { basePath: '/files', connectionType: 'httpConnection', properties: { property: [] }, virtualHost: ['default', 'secure'] },
      });
      expect((await gw.admin.get(`${base('files')}/proxies/default`, { headers: { accept: 'application/xml' } })).text()).toBe(proxyXml);
      // By XML name or by file name (compat §2.4).
      for (const name of ['backend', 'default']) {
        expect((await gw.admin.get(`${base('files')}/targets/${name}`)).json()).toMatchObject({ name: 'backend', connection: { connectionType: 'httpConnection', url: target.url } });
      }
      expectError(await gw.admin.get(`${base('files')}/policies/nope`), 404, 'messaging.config.beans.ResourceNotFound');
      expectError(await gw.admin.get(`${base('files')}/targets/nope`), 404, 'messaging.config.beans.ResourceNotFound');
    });

    it('reads a resource file by type and slash-holding name', async () => {
      const file = await gw.admin.get(`${base('files')}/resourcefiles/jsc/sub/dir/b.js`);
      expect(file.status).toBe(200);
      expect(file.text()).toBe('b()');
      expectError(await gw.admin.get(`${base('files')}/resourcefiles/jsc/sub/nope.js`), 404, 'messaging.config.beans.ResourceNotFound');
    });
  });

  describe('changes of an undeployed revision', () => {
    beforeAll(async () => {
      await importRootOnly('edits');
      await runLimited(uploads('edits'), 4);
    });

    it('replaces a resource with PUT, deletes it with DELETE', async () => {
      const put = await gw.admin.put(`${base('edits')}/resourcefiles/jsc/sub/dir/b.js`, { body: 'b2()', headers: octets });
      expect(put.status, put.text()).toBe(200);
      expect(put.json()).toEqual({ name: 'sub/dir/b.js', type: 'jsc' });
      expect((await gw.admin.get(`${base('edits')}/resourcefiles/jsc/sub/dir/b.js`)).text()).toBe('b2()');
      const deleted = await gw.admin.delete(`/v1/organizations/demo/apis/edits/revisions/1/resourcefiles/jsc/sub/dir/b.js`);
      expect(deleted.status, deleted.text()).toBe(200);
      expect(deleted.json()).toEqual({ name: 'sub/dir/b.js', type: 'jsc' });
      expect((await gw.admin.get(`${base('edits')}/resourcefiles`)).json()).toEqual({ resourceFile: [{ name: 'a.js', type: 'jsc' }, { name: 't.xsl', type: 'xsl' }] });
      expectError(await gw.admin.delete(`${base('edits')}/resourcefiles/jsc/sub/dir/b.js`), 404, 'messaging.config.beans.ResourceNotFound');
    });

    it('deletes a policy, a target and a proxy, answering what was deleted', async () => {
      const policy = await gw.admin.delete(`${base('edits')}/policies/RF-Unused`);
      expect(policy.json()).toMatchObject({ name: 'RF-Unused', policyType: 'RaiseFault' });
      expect((await gw.admin.delete(`${base('edits')}/targets/backend`)).json()).toMatchObject({ name: 'backend' });
      expect((await gw.admin.delete(`${base('edits')}/proxies/default`)).json()).toMatchObject({ name: 'default', connection: { basePath: '/files' } });
      expect((await gw.admin.get(base('edits'))).json()).toMatchObject({ policies: ['AM-Stamp', 'AM-Tag'], proxies: [], targets: [] });
      expectError(await gw.admin.delete(`${base('edits')}/policies/RF-Unused`), 404, 'messaging.config.beans.ResourceNotFound');
    });

    it('refuses XML uploads of another type (415), malformed or nameless XML (400), and oversized files (413)', async () => {
      expectError(await gw.admin.post(`${base('edits')}/policies`, { json: { name: 'AM-Tag' } }), 415, 'messaging.config.beans.UnsupportedMediaType');
      expectError(await gw.admin.post(`${base('edits')}/proxies?name=x`, { body: proxyXml }), 415, 'messaging.config.beans.UnsupportedMediaType');
      expectError(await gw.admin.post(`${base('edits')}/targets?name=x`, { file: new TextEncoder().encode('<TargetEndpoint/>') }), 415, 'messaging.config.beans.UnsupportedMediaType');
      expectError(await gw.admin.post(`${base('edits')}/policies`, { body: '<AssignMessage name="x">', headers: xml }), 400, 'messaging.config.beans.InvalidBundle');
      expectError(await gw.admin.post(`${base('edits')}/policies`, { body: '<AssignMessage/>', headers: xml }), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await gw.admin.post(`${base('edits')}/proxies?name=x`, { body: '<TargetEndpoint name="x"/>', headers: xml }), 400, 'messaging.config.beans.InvalidBundle');
      expectError(await gw.admin.post(`${base('edits')}/resourcefiles?type=jsc&name=big.js`, { body: Buffer.alloc(15 * 1024 * 1024 + 1), headers: octets }), 413, 'messaging.config.beans.BundleTooLarge');
      expectError(await gw.admin.post(`${base('edits')}/resourcefiles?name=a.js`, { body: 'x', headers: octets }), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await gw.admin.post(`${base('edits')}/resourcefiles?type=jsc&name=../escape.js`, { body: 'x', headers: octets }), 400, 'messaging.config.beans.InvalidBundle');
      expect((await gw.admin.get(`${base('edits')}/policies`)).json()).toEqual(['AM-Stamp', 'AM-Tag']);
    });

    it('answers 404 and 400 for unknown proxies, revisions and bad revision numbers', async () => {
      expectError(await gw.admin.post(`${base('ghost')}/policies`, { body: tagXml, headers: xml }), 404, 'messaging.config.beans.ApplicationDoesNotExist');
      expectError(await gw.admin.post(`${base('edits', 9)}/policies`, { body: tagXml, headers: xml }), 404, 'messaging.config.beans.RevisionDoesNotExist');
      expectError(await gw.admin.get(`${base('edits', 9)}/resourcefiles`), 404, 'messaging.config.beans.RevisionDoesNotExist');
      expectError(await gw.admin.get('/v1/o/demo/apis/edits/revisions/one/policies'), 400, 'messaging.config.beans.InvalidParameter');
    });

    it('answers POST /npm with an empty object', async () => {
      const response = await gw.admin.post(`${base('edits')}/npm`, { form: { command: 'install' } });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({});
    });

    it('lets READ-only users read files but not change them, and audits every change', async () => {
      const by = await gw.gateway.access.authenticate(toAuthorization({ user: 'admin@baton.test', password: 'test-password' }), 'setup');
      await gw.gateway.access.createUser({ emailId: 'viewer@baton.test', password: 'viewer-password' }, by);
      await gw.gateway.access.addUserToRole('demo', 'businessuser', 'viewer@baton.test', by);
      const viewer = adminClient(gw.gateway.adminUrl, { user: 'viewer@baton.test', password: 'viewer-password' });
      expect((await viewer.get(`${base('edits')}/policies/AM-Tag`)).status).toBe(200);
      expectError(await viewer.post(`${base('edits')}/policies`, { body: tagXml, headers: xml }), 403, 'security.Forbidden');
      expectError(await viewer.delete(`${base('edits')}/resourcefiles/jsc/a.js`), 403, 'security.Forbidden');

      const entries = gw.gateway.audit.list('demo').filter((e) => e.target.startsWith('apis/edits/revisions/1/'));
      expect(entries).toContainEqual(expect.objectContaining({ user: 'admin@baton.test', operation: 'put-policy', target: 'apis/edits/revisions/1/policies/AM-Tag', result: 'success', details: { status: 201 } }));
      expect(entries).toContainEqual(expect.objectContaining({ operation: 'put-resource', target: 'apis/edits/revisions/1/resourcefiles/jsc/sub/dir/b.js', result: 'success', details: { status: 200 } }));
      expect(entries).toContainEqual(expect.objectContaining({ operation: 'delete-proxy', target: 'apis/edits/revisions/1/proxies/default', result: 'success' }));
      expect(entries).toContainEqual(expect.objectContaining({ operation: 'put-policy', result: 'failure', details: { status: 415, code: 'messaging.config.beans.UnsupportedMediaType' } }));
      expect(entries).toContainEqual(expect.objectContaining({ user: 'viewer@baton.test', operation: 'delete-resource', target: 'apis/edits/revisions/1/resourcefiles/jsc/a.js', result: 'failure', details: { status: 403, code: 'security.Forbidden' } }));
    });
  });
});
