// Revisions over the management API (compat §2.1, §5): list, get, export, in-place update of a deployed revision, delete.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { AdminResponse } from '../helpers/admin-client.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

/** A mock proxy at `basePath` answering `label` as text, with no target. */
function mockBundle(name: string, basePath: string, label: string, extra: Record<string, string> = {}): Promise<Uint8Array> {
  return packBundle({
    [`apiproxy/${name}.xml`]: `<APIProxy name="${name}"/>`,
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
      <PreFlow><Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
    'apiproxy/policies/AM-Answer.xml': `<AssignMessage name="AM-Answer"><AssignTo>response</AssignTo>
      <Set><Payload contentType="text/plain">${label}</Payload></Set></AssignMessage>`,
    ...extra,
  });
}

/** Same proxy, but its Step names a policy the bundle lacks: storable, not deployable. */
function brokenBundle(name: string, basePath: string): Promise<Uint8Array> {
  return mockBundle(name, basePath, 'broken', {
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>${basePath}</BasePath></HTTPProxyConnection>
      <PreFlow><Response><Step><Name>AM-Missing</Name></Step></Response></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
  });
}

const zipHeaders = { 'content-type': 'application/octet-stream' };

function expectError(response: AdminResponse, status: number, code: string): { message: string; errors?: string[] } {
  expect(response.status, response.text()).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json<{ code: string; message: string; errors?: string[] }>();
  expect(body).toMatchObject({ code, contexts: [] });
  return body;
}

describe('revision routes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  const importZip = (name: string, zip: Uint8Array) => gw.admin.post(`/v1/o/demo/apis?action=import&name=${name}`, { body: zip, headers: zipHeaders });
  const deploy = (api: string, revision: number) => gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api, revision, user: 't' });
  const undeploy = (api: string, revision: number) => gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api, revision, user: 't' });
  const answerAt = async (path: string): Promise<string> => {
    const response = await request(`${gw.url()}${path}`);
    return `${response.statusCode} ${await response.body.text()}`;
  };

  it('lists revision numbers as strings, ascending; 404 for an unknown proxy', async () => {
    for (let i = 0; i < 3; i++) await importZip('listed', await mockBundle('listed', '/listed', `v${i}`));
    expect((await gw.admin.get('/v1/organizations/demo/apis/listed/revisions')).json()).toEqual(['1', '2', '3']);
    expect((await gw.admin.get('//v1/o/demo/apis/listed/revisions/')).json()).toEqual(['1', '2', '3']);
    expectError(await gw.admin.get('/v1/o/demo/apis/ghost/revisions'), 404, 'messaging.config.beans.ApplicationDoesNotExist');
  });

  it('returns a revision as JSON, and exports it with format=bundle byte for byte', async () => {
    const zip = await mockBundle('exported', '/exported', 'x', { 'notes.txt': 'outside apiproxy/' });
    expect((await importZip('exported', zip)).status).toBe(201);
    const view = await gw.admin.get('/v1/o/demo/apis/exported/revisions/1');
    expect(view.headers['content-type']).toMatch(/^application\/json/);
    expect(view.json()).toMatchObject({ name: 'exported', revision: '1', policies: ['AM-Answer'], proxies: ['default'] });
    const exported = await gw.admin.get('/v1/organizations/demo/apis/exported/revisions/1', { query: { format: 'bundle' } });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toBe('application/octet-stream');
    expect(exported.headers['content-disposition']).toMatch(/^attachment; filename="exported[^"]*\.zip"$/);
    expect(createHash('sha256').update(exported.buffer).digest('hex')).toBe(createHash('sha256').update(zip).digest('hex'));
    expect(Buffer.compare(exported.buffer, Buffer.from(zip))).toBe(0);
    expectError(await gw.admin.get('/v1/o/demo/apis/exported/revisions/1', { query: { format: 'yaml' } }), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('answers 400 InvalidParameter for revision numbers that are not positive integers, 404 for unknown ones', async () => {
    await importZip('numbers', await mockBundle('numbers', '/numbers', 'x'));
    for (const rev of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      expectError(await gw.admin.get(`/v1/o/demo/apis/numbers/revisions/${rev}`), 400, 'messaging.config.beans.InvalidParameter');
      expectError(await gw.admin.delete(`/v1/o/demo/apis/numbers/revisions/${rev}`), 400, 'messaging.config.beans.InvalidParameter');
    }
    const missing = expectError(await gw.admin.get('/v1/o/demo/apis/numbers/revisions/7'), 404, 'messaging.config.beans.RevisionDoesNotExist');
    expect(missing.message).toBe('Revision 7 of APIProxy numbers does not exist in organization demo');
    expectError(await gw.admin.get('/v1/o/demo/apis/ghost/revisions/1'), 404, 'messaging.config.beans.ApplicationDoesNotExist');
    expectError(await gw.admin.post('/v1/o/demo/apis/numbers/revisions/7', { body: await mockBundle('numbers', '/numbers', 'y'), headers: zipHeaders }), 404, 'messaging.config.beans.RevisionDoesNotExist');
  });

  it('updates an undeployed revision in place: 200 with the new view, same number', async () => {
    await importZip('edited', await mockBundle('edited', '/edited', 'one'));
    const extra = { 'apiproxy/policies/AM-Extra.xml': '<AssignMessage name="AM-Extra"><Set><Headers><Header name="x">y</Header></Headers></Set></AssignMessage>' };
    const response = await gw.admin.post('/v1/organizations/demo/apis/edited/revisions/1', { file: await mockBundle('edited', '/edited', 'two', extra) });
    expect(response.status, response.text()).toBe(200);
    expect(response.json()).toMatchObject({ name: 'edited', revision: '1', policies: ['AM-Answer', 'AM-Extra'] });
    expect((await gw.admin.get('/v1/o/demo/apis/edited/revisions')).json()).toEqual(['1']);
    expectError(await gw.admin.post('/v1/o/demo/apis/edited/revisions/1', { query: { validate: true }, body: await brokenBundle('edited', '/edited'), headers: zipHeaders }), 400, 'messaging.config.beans.InvalidBundle');
    expectError(await gw.admin.post('/v1/o/demo/apis/edited/revisions/1'), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('serves the new content of a deployed revision on the very next request; an invalid update changes nothing', async () => {
    await importZip('live', await mockBundle('live', '/live', 'one'));
    await deploy('live', 1);
    expect(await answerAt('/live')).toBe('200 one');

    const updated = await gw.admin.post('/v1/o/demo/apis/live/revisions/1', { body: await mockBundle('live', '/live', 'two'), headers: zipHeaders });
    expect(updated.status, updated.text()).toBe(200);
    expect(await answerAt('/live')).toBe('200 two');

    const before = (await gw.admin.get('/v1/o/demo/apis/live/revisions/1')).json();
    // Not deployable (missing policy): refused for a deployed revision even with validate=false.
    const broken = expectError(await gw.admin.post('/v1/o/demo/apis/live/revisions/1', { body: await brokenBundle('live', '/live'), headers: zipHeaders }), 400, 'messaging.config.beans.InvalidBundle');
    expect(broken.errors!.join('\n')).toContain('AM-Missing');
    expectError(await gw.admin.post('/v1/o/demo/apis/live/revisions/1', { body: Buffer.from('not a zip'), headers: zipHeaders }), 400, 'messaging.config.beans.InvalidBundle');
    expect(await answerAt('/live')).toBe('200 two');
    expect((await gw.admin.get('/v1/o/demo/apis/live/revisions/1')).json()).toEqual(before);
    await undeploy('live', 1);
  });

  it('answers 413 for an update of 15 MB + 1 byte', async () => {
    await importZip('big', await mockBundle('big', '/big', 'x'));
    expectError(await gw.admin.post('/v1/o/demo/apis/big/revisions/1', { body: Buffer.alloc(15 * 1024 * 1024 + 1), headers: zipHeaders }), 413, 'messaging.config.beans.BundleTooLarge');
  });

  it('refuses to delete a deployed revision (400), deletes it after undeploy (200 with its view)', async () => {
    await importZip('removable', await mockBundle('removable', '/removable', 'one'));
    await importZip('removable', await mockBundle('removable', '/removable', 'two'));
    await deploy('removable', 2);
    const refused = expectError(await gw.admin.delete('/v1/o/demo/apis/removable/revisions/2'), 400, 'messaging.config.beans.ApplicationDeployed');
    expect(refused.message).toContain('removable');
    expect(await answerAt('/removable')).toBe('200 two');

    const other = await gw.admin.delete('/v1/organizations/demo/apis/removable/revisions/1');
    expect(other.status, other.text()).toBe(200);
    expect(other.json()).toMatchObject({ name: 'removable', revision: '1' });

    await undeploy('removable', 2);
    const deleted = await gw.admin.delete('/v1/o/demo/apis/removable/revisions/2/');
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toMatchObject({ name: 'removable', revision: '2', policies: ['AM-Answer'] });
    expect((await gw.admin.get('/v1/o/demo/apis/removable/revisions')).json()).toEqual([]);
    expectError(await gw.admin.delete('/v1/o/demo/apis/removable/revisions/2'), 404, 'messaging.config.beans.RevisionDoesNotExist');
  });

  it('audits updates and deletes with their outcome', async () => {
    await importZip('traced', await mockBundle('traced', '/traced', 'one'));
    await gw.admin.post('/v1/o/demo/apis/traced/revisions/1', { body: await mockBundle('traced', '/traced', 'two'), headers: zipHeaders });
    await gw.admin.post('/v1/o/demo/apis/traced/revisions/1', { query: { validate: true }, body: await brokenBundle('traced', '/traced'), headers: zipHeaders });
    await gw.admin.delete('/v1/o/demo/apis/traced/revisions/1');
    const entries = gw.gateway.audit.list('demo').filter((e) => e.target === 'apis/traced/revisions/1');
    expect(entries.map((e) => [e.operation, e.result, e.details?.status])).toEqual([
      ['delete-revision', 'success', 200],
      ['update-revision', 'failure', 400],
      ['update-revision', 'success', 200],
      ['import', 'success', 201],
    ]);
  });
});
