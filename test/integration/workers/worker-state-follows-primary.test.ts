// `workers: 2`: KVM entries, API keys and TargetServers changed through the admin API are live in every worker when the call returns; a policy's KVM Put in one worker is read by the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkerEntry, type BuiltWorkerEntry } from '../../helpers/build-worker-entry.js';
import { getOnFreshConnections } from '../../helpers/fresh-connection.js';
import { packProxy } from '../../helpers/pack-proxy.js';
import { importAndDeploySharedFlow, packSharedFlow, setHeaderPolicy } from '../shared-flow-fixtures.js';
import { startGateway, type TestGateway } from '../../helpers/start-gateway.js';

const kvms = '/v1/organizations/demo/environments/test/keyvaluemaps';

function kvmProxy(): Promise<Uint8Array> {
  return packProxy({
    name: 'kvm-reader',
    basePath: '/kvm',
    proxyEndpoint: `<PreFlow><Request>
        <Step><Name>KVM-Put</Name><Condition>proxy.pathsuffix = "/put"</Condition></Step>
        <Step><Name>KVM-Get</Name></Step>
      </Request><Response><Step><Name>AM-Response</Name></Step></Response></PreFlow>
      <RouteRule name="null"/>`,
    policies: {
      'KVM-Put': `<KeyValueMapOperations name="KVM-Put" mapIdentifier="config">
        <Put override="true"><Key><Parameter ref="request.queryparam.key"/></Key><Value ref="request.queryparam.value"/></Put>
      </KeyValueMapOperations>`,
      // A read cache of 60 s: a change must still show at once (the worker drops the cached read).
      'KVM-Get': `<KeyValueMapOperations name="KVM-Get" mapIdentifier="config"><ExpiryTimeInSecs>60</ExpiryTimeInSecs>
        <Get assignTo="flow.value"><Key><Parameter ref="request.queryparam.key"/></Key></Get>
      </KeyValueMapOperations>`,
      'AM-Response': `<AssignMessage name="AM-Response"><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>
        <Set><Payload contentType="text/plain">{flow.value}</Payload></Set><AssignTo>response</AssignTo></AssignMessage>`,
    },
  });
}

function keyedProxy(): Promise<Uint8Array> {
  return packProxy({
    name: 'keyed',
    basePath: '/keyed',
    proxyEndpoint: '<PreFlow><Request><Step><Name>Verify-Key</Name></Step></Request></PreFlow><RouteRule name="null"/>',
    policies: { 'Verify-Key': '<VerifyAPIKey name="Verify-Key"><APIKey ref="request.queryparam.apikey"/></VerifyAPIKey>' },
  });
}

describe('worker state follows the primary', () => {
  let entry: BuiltWorkerEntry;
  let gw: TestGateway;
  const read = async (key: string): Promise<string[]> => (await getOnFreshConnections(`${gw.url()}/kvm/get?key=${key}`, 4)).map((a) => `${a.status} ${a.body}`);

  beforeAll(async () => {
    entry = await buildWorkerEntry();
    gw = await startGateway({ workers: entry.options(2) });
    await gw.deploy('kvm-reader', await kvmProxy());
    await gw.deploy('keyed', await keyedProxy());
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await entry?.close();
  });

  it('KVM entries created and changed through the admin API', async () => {
    expect((await gw.admin.post(kvms, { json: { name: 'config', entry: [{ name: 'greeting', value: 'hello' }] } })).status).toBe(201);
    expect(await read('greeting')).toEqual(Array(4).fill('200 hello'));
    expect((await gw.admin.post(`${kvms}/config/entries/greeting`, { json: { name: 'greeting', value: 'hi' } })).status).toBe(200);
    expect(await read('greeting')).toEqual(Array(4).fill('200 hi'));
    expect((await gw.admin.delete(`${kvms}/config/entries/greeting`)).status).toBe(200);
    expect(await read('greeting')).toEqual(Array(4).fill('200 '));
  });

  it("a KeyValueMapOperations Put in one worker is committed by the primary and read by every worker", async () => {
    const [put] = await getOnFreshConnections(`${gw.url()}/kvm/put?key=lang&value=en`, 1);
    expect(put!.status).toBe(200);
    expect(await read('lang')).toEqual(Array(4).fill('200 en'));
    expect((await gw.admin.get(`${kvms}/config/entries/lang`)).json()).toEqual({ name: 'lang', value: 'en' });
  });

  it('API keys: a new key verifies in every worker, and a revoked one fails in every worker', async () => {
    const post = async (path: string, json: unknown) => {
      const response = await gw.admin.post(path, { json });
      expect(response.status, response.text()).toBe(201);
      return response.json<{ credentials: Array<{ consumerKey: string }> }>();
    };
    await post('/v1/o/demo/apiproducts', { name: 'keyed-product', environments: ['test'], proxies: ['keyed'] });
    await post('/v1/o/demo/developers', { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', userName: 'ann' });
    const key = (await post('/v1/o/demo/developers/ann@example.com/apps', { name: 'app', apiProducts: ['keyed-product'] })).credentials[0]!.consumerKey;
    expect((await getOnFreshConnections(`${gw.url()}/keyed?apikey=${key}`, 4)).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect((await gw.admin.post(`/v1/o/demo/developers/ann@example.com/apps/app/keys/${key}`, { query: { action: 'revoke' } })).status).toBe(204);
    expect((await getOnFreshConnections(`${gw.url()}/keyed?apikey=${key}`, 4)).map((a) => a.status)).toEqual([401, 401, 401, 401]);
  });

  it('shared flows: a flow hook attached, its shared flow redeployed, then detached, each live in every worker', async () => {
    const hook = '/v1/organizations/demo/environments/test/flowhooks/PostProxyFlowHook';
    const stamp = (value: string) => packSharedFlow('stamp', { steps: ['AM-Stamp'], policies: { 'AM-Stamp': setHeaderPolicy('AM-Stamp', 'x-stamp', value) } });
    await importAndDeploySharedFlow(gw.admin, 'stamp', await stamp('one'));
    const attached = await gw.admin.put(hook, { json: { sharedFlow: 'stamp' } });
    expect(attached.status, attached.text()).toBe(200);
    const stamps = async () => (await getOnFreshConnections(`${gw.url()}/kvm/get?key=none`, 4)).map((a) => a.headers['x-stamp']);
    expect(await stamps()).toEqual(['one', 'one', 'one', 'one']);
    await importAndDeploySharedFlow(gw.admin, 'stamp', await stamp('two'), { override: true });
    expect(await stamps()).toEqual(['two', 'two', 'two', 'two']);
    expect((await gw.admin.delete(hook)).status).toBe(200);
    expect(await stamps()).toEqual([undefined, undefined, undefined, undefined]);
  });
});
