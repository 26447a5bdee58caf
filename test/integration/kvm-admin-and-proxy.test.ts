import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { adminClient, type AdminResponse } from '../helpers/admin-client.js';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

const env = '/v1/organizations/demo/environments/test/keyvaluemaps';

function readerProxy(): Promise<Uint8Array> {
  return packProxy({
    name: 'kvm-reader',
    basePath: '/kvm',
    proxyEndpoint: `
      <PreFlow name="PreFlow">
        <Request>
          <Step><Name>KVM-Put</Name><Condition>proxy.pathsuffix = "/put"</Condition></Step>
          <Step><Name>KVM-Get-Config</Name></Step>
          <Step><Name>KVM-Get-Secret</Name></Step>
          <Step><Name>KVM-Get-Secret-Wrongly</Name></Step>
        </Request>
        <Response><Step><Name>AM-Response</Name></Step></Response>
      </PreFlow>
      <RouteRule name="null"/>`,
    policies: {
      'KVM-Put': `<KeyValueMapOperations name="KVM-Put" mapIdentifier="config">
        <Put override="true"><Key><Parameter ref="request.queryparam.key"/></Key><Value ref="request.queryparam.value"/></Put>
      </KeyValueMapOperations>`,
      'KVM-Get-Config': `<KeyValueMapOperations name="KVM-Get-Config" mapIdentifier="config">
        <Scope>environment</Scope><ExpiryTimeInSecs>60</ExpiryTimeInSecs>
        <Get assignTo="flow.value"><Key><Parameter ref="request.queryparam.key"/></Key></Get>
      </KeyValueMapOperations>`,
      'KVM-Get-Secret': `<KeyValueMapOperations name="KVM-Get-Secret" mapIdentifier="secrets">
        <Get assignTo="private.apiKey"><Key><Parameter>apiKey</Parameter></Key></Get>
      </KeyValueMapOperations>`,
      // Not a private. variable: SetVariableFailed, suppressed by continueOnError and logged.
      'KVM-Get-Secret-Wrongly': `<KeyValueMapOperations name="KVM-Get-Secret-Wrongly" mapIdentifier="secrets" continueOnError="true">
        <Get assignTo="flow.leak"><Key><Parameter>apiKey</Parameter></Key></Get>
      </KeyValueMapOperations>`,
      'AM-Response': `<AssignMessage name="AM-Response"><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <Set><Payload contentType="application/json">{"value":"{flow.value}","secret":"{private.apiKey}"}</Payload></Set>
        <AssignTo>response</AssignTo></AssignMessage>`,
    },
  });
}

function expectError(response: AdminResponse, status: number, code: string): void {
  expect(response.status, response.text()).toBe(status);
  expect(response.json<{ code: string }>().code).toBe(code);
}

describe('key value maps through the management API and a proxy', () => {
  let dataDir: string;
  let gw: TestGateway;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'baton-kvm-it-'));
    gw = await startGateway({ dataDir });
    await gw.deploy('kvm-reader', await readerProxy());
  });

  afterAll(async () => {
    await gw?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function callProxy(path: string): Promise<{ value: string; secret: string }> {
    const res = await request(`${gw.url()}/kvm${path}`);
    expect(res.statusCode).toBe(200);
    return (await res.body.json()) as { value: string; secret: string };
  }

  it('creates, reads, updates and deletes an environment map and its entries; a proxy reads the values at once', async () => {
    const created = await gw.admin.post(env, { json: { name: 'config', entry: [{ name: 'greeting', value: 'hello' }] } });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ encrypted: false, entry: [{ name: 'greeting', value: 'hello' }], name: 'config' });
    expect((await callProxy('?key=greeting')).value).toBe('hello');

    expect((await gw.admin.post(`${env}/config/entries/greeting`, { json: { name: 'greeting', value: 'hi' } })).json()).toEqual({ name: 'greeting', value: 'hi' });
    expect((await callProxy('?key=greeting')).value).toBe('hi');

    const entry = await gw.admin.post(`${env}/config/entries`, { json: { name: 'lang', value: 'en' } });
    expect(entry.status).toBe(201);
    expectError(await gw.admin.post(`${env}/config/entries`, { json: { name: 'lang', value: 'fr' } }), 409, 'keyvaluemap.service.keyvaluemap_entry_already_exist');
    expect((await gw.admin.get(env)).json()).toEqual(['config']);
    expect((await gw.admin.get('/v1/o/demo/e/test/keyvaluemaps/config')).json()).toEqual({ encrypted: false, entry: [{ name: 'greeting', value: 'hi' }, { name: 'lang', value: 'en' }], name: 'config' });
    expect((await gw.admin.get(`${env}/config/keys`, { query: { count: 1 } })).json()).toEqual(['greeting']);
    expect((await gw.admin.get(`${env}/config/entries/lang`)).json()).toEqual({ name: 'lang', value: 'en' });
    expect((await gw.admin.put(`${env}/config`, { json: { name: 'config', entry: [{ name: 'extra', value: 'x' }] } })).json<{ entry: unknown[] }>().entry).toHaveLength(3);

    expect((await gw.admin.delete(`${env}/config/entries/lang`)).json()).toEqual({ name: 'lang', value: 'en' });
    expectError(await gw.admin.get(`${env}/config/entries/lang`), 404, 'keyvaluemap.service.keyvaluemap_entry_doesnt_exist');
    expect((await callProxy('?key=lang')).value).toBe('');
  });

  it('writes durably from a policy Put: the management API sees the entry the request created', async () => {
    expect((await callProxy('/put?key=fromPolicy&value=v1')).value).toBe('v1');
    expect((await gw.admin.get(`${env}/config/entries/fromPolicy`)).json()).toEqual({ name: 'fromPolicy', value: 'v1' });
  });

  it('masks the values of an encrypted map in every answer while the proxy gets them in a private. variable', async () => {
    const created = await gw.admin.post(env, { json: { name: 'secrets', encrypted: 'true', entry: [{ name: 'apiKey', value: 'sk-live-123' }] } });
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ encrypted: true, entry: [{ name: 'apiKey', value: '*****' }], name: 'secrets' });
    expect((await gw.admin.get(`${env}/secrets`)).text()).not.toContain('sk-live-123');
    expect((await gw.admin.get(`${env}/secrets/entries/apiKey`)).json()).toEqual({ name: 'apiKey', value: '*****' });
    expect((await gw.admin.get(env, { query: { expand: true } })).text()).not.toContain('sk-live-123');
    expect((await callProxy('?key=greeting')).secret).toBe('sk-live-123');
    const suppressed = gw.logs.filter((line) => line.msg === 'suppressed policy error');
    expect(JSON.stringify(suppressed)).toContain('steps.keyvaluemapoperations.SetVariableFailed');
    expect(JSON.stringify(gw.logs)).not.toContain('sk-live-123');
  });

  it('manages organization and API proxy maps, and answers Edge errors', async () => {
    expect((await gw.admin.post('/v1/organizations/demo/keyvaluemaps', { json: { name: 'shared' } })).status).toBe(201);
    expect((await gw.admin.get('/v1/organizations/demo/keyvaluemaps')).json()).toEqual(['shared']);
    expect((await gw.admin.post('/v1/organizations/demo/apis/kvm-reader/keyvaluemaps', { json: { name: 'proxyOnly', entry: [{ name: 'a', value: 'b' }] } })).status).toBe(201);
    expect((await gw.admin.get('/v1/organizations/demo/apis/kvm-reader/revisions/1/keyvaluemaps')).json()).toEqual([]);
    expect((await gw.admin.get('/v1/organizations/demo/apis/kvm-reader/keyvaluemaps/proxyOnly')).json<{ entry: unknown[] }>().entry).toEqual([{ name: 'a', value: 'b' }]);
    expectError(await gw.admin.post('/v1/organizations/demo/keyvaluemaps', { json: { name: 'shared' } }), 409, 'keyvaluemap.service.keyvaluemap_already_exist');
    expectError(await gw.admin.post('/v1/organizations/demo/keyvaluemaps', { json: { name: 'bad/name' } }), 400, 'keyvaluemap.service.keyvaluemap_name_invalid');
    expectError(await gw.admin.post('/v1/organizations/demo/keyvaluemaps', { json: { name: 'x', entry: [{ name: 'a', value: 1 }] } }), 400, 'messaging.config.beans.InvalidParameter');
    expectError(await gw.admin.post('/v1/organizations/demo/keyvaluemaps', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'messaging.config.beans.UnsupportedMediaType');
    expectError(await gw.admin.get('/v1/organizations/demo/keyvaluemaps/none'), 404, 'keyvaluemap.service.keyvaluemap_doesnt_exist');
    expectError(await gw.admin.get('/v1/organizations/demo/apis/ghost/keyvaluemaps'), 404, 'messaging.config.beans.ApplicationDoesNotExist');
    expectError(await gw.admin.get('/v1/organizations/demo/environments/staging/keyvaluemaps'), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
    expect((await gw.admin.delete('/v1/organizations/demo/keyvaluemaps/shared')).json()).toEqual({ encrypted: false, entry: [], name: 'shared' });
    const audited = gw.gateway.audit.list('demo').filter((e) => e.operation.includes('kvm'));
    expect(audited.map((e) => `${e.operation} ${e.target} ${e.result}`)).toEqual(expect.arrayContaining([
      'delete-kvm keyvaluemaps/shared success',
      'create-kvm keyvaluemaps/shared failure',
      'create-kvm environments/test/keyvaluemaps/secrets success',
    ]));
  });

  it('lets a READ-only user read maps but not change them', async () => {
    expect((await gw.admin.post('/v1/users', { json: { emailId: 'reader@example.com', password: 'reader-password-1' } })).status).toBe(201);
    expect((await gw.admin.post('/v1/organizations/demo/userroles/businessuser/users', { form: { id: 'reader@example.com' } })).status).toBe(201);
    const reader = adminClient(gw.gateway.adminUrl, { user: 'reader@example.com', password: 'reader-password-1' });
    expect((await reader.get(env)).status).toBe(200);
    expectError(await reader.post(env, { json: { name: 'nope' } }), 403, 'security.Forbidden');
    expectError(await reader.delete(`${env}/config`), 403, 'security.Forbidden');
    expect((await gw.admin.get(env)).json()).toEqual(['config', 'secrets']);
  });

  it('keeps every map across a restart, encrypted values readable by the proxy again', async () => {
    await gw.close();
    gw = await startGateway({ dataDir });
    expect((await gw.admin.get(`${env}/secrets`)).json()).toEqual({ encrypted: true, entry: [{ name: 'apiKey', value: '*****' }], name: 'secrets' });
    expect((await gw.admin.get(`${env}/config/entries/fromPolicy`)).json()).toEqual({ name: 'fromPolicy', value: 'v1' });
    expect(await callProxy('?key=greeting')).toEqual({ value: 'hi', secret: 'sk-live-123' });
  });
});
