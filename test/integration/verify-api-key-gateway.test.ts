// VerifyAPIKey through a real gateway: keys from the management API, checked per proxy, environment and path.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toUrlConnection, packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

const verifyPolicy = '<VerifyAPIKey name="Verify-Key"><APIKey ref="request.queryparam.apikey"/></VerifyAPIKey>';
const forwardPolicy = `<AssignMessage name="AM-Forward"><Set><Headers>
  <Header name="x-developer">{verifyapikey.Verify-Key.developer.email}</Header>
  <Header name="x-product">{verifyapikey.Verify-Key.apiproduct.name}</Header>
  <Header name="x-quota">{verifyapikey.Verify-Key.apiproduct.developer.quota.limit}</Header>
</Headers></Set><AssignTo createNew="false" type="request"/></AssignMessage>`;

function weatherProxy(name: string, targetUrl: string): Promise<Uint8Array> {
  return packProxy({
    name,
    basePath: `/${name}`,
    proxyEndpoint: `<PreFlow><Request><Step><Name>Verify-Key</Name></Step><Step><Name>AM-Forward</Name></Step></Request></PreFlow>
      <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
    targetEndpoint: toUrlConnection(targetUrl),
    policies: { 'Verify-Key': verifyPolicy, 'AM-Forward': forwardPolicy },
  });
}

async function call(url: string): Promise<{ status: number; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text() };
}

function expectFault(response: { status: number; body: string }, errorcode: string): void {
  expect(response.status, response.body).toBe(401);
  expect(JSON.parse(response.body)).toMatchObject({ fault: { detail: { errorcode } } });
}

describe('VerifyAPIKey through the gateway', () => {
  let gw: TestGateway;
  let target: StartedTarget;
  let weatherKey: string;
  let mapsKey: string;
  const keyUrl = (key: string) => `/v1/o/demo/developers/ann@example.com/apps/weather-app/keys/${key}`;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    const admin = gw.admin;
    const post = async (path: string, json: unknown) => {
      const response = await admin.post(path, { json });
      expect(response.status, response.text()).toBe(201);
      return response.json<{ credentials: Array<{ consumerKey: string }> }>();
    };
    await post('/v1/o/demo/apiproducts', { name: 'weather-test', environments: ['test'], proxies: ['weather'], apiResources: ['/forecast/**'], quota: '7', quotaInterval: '1', quotaTimeUnit: 'minute' });
    await post('/v1/o/demo/apiproducts', { name: 'maps-only', proxies: ['maps'] });
    await post('/v1/o/demo/developers', { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', userName: 'ann' });
    weatherKey = (await post('/v1/o/demo/developers/ann@example.com/apps', { name: 'weather-app', apiProducts: ['weather-test'] })).credentials[0]!.consumerKey;
    mapsKey = (await post('/v1/o/demo/developers/ann@example.com/apps', { name: 'maps-app', apiProducts: ['maps-only'] })).credentials[0]!.consumerKey;
    await gw.deploy('weather', await weatherProxy('weather', target.url));
    await gw.deploy('weather', await weatherProxy('weather', target.url), { environment: 'prod' });
  });
  afterAll(async () => {
    await gw.close();
    await target.close();
  });

  it('lets a valid key through to the target with the verified identity, and leaves the key in the query', async () => {
    const response = await call(`${gw.url('test')}/weather/forecast/today?apikey=${weatherKey}`);
    expect(response.status, response.body).toBe(200);
    const echoed = JSON.parse(response.body) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe(`/forecast/today?apikey=${weatherKey}`);
    expect(echoed.headers).toMatchObject({ 'x-developer': 'ann@example.com', 'x-product': 'weather-test', 'x-quota': '7' });
  });

  it('refuses a missing or unknown key', async () => {
    expectFault(await call(`${gw.url('test')}/weather/forecast`), 'steps.oauth.v2.FailedToResolveAPIKey');
    expectFault(await call(`${gw.url('test')}/weather/forecast?apikey=nope`), 'oauth.v2.InvalidApiKey');
  });

  it('refuses a key whose products cover another proxy, environment or path', async () => {
    expectFault(await call(`${gw.url('test')}/weather/forecast?apikey=${mapsKey}`), 'oauth.v2.InvalidApiKeyForGivenResource');
    expectFault(await call(`${gw.url('prod')}/weather/forecast?apikey=${weatherKey}`), 'oauth.v2.InvalidApiKeyForGivenResource');
    expectFault(await call(`${gw.url('test')}/weather/current?apikey=${weatherKey}`), 'oauth.v2.InvalidApiKeyForGivenResource');
  });

  it('refuses a revoked key at once, and accepts it again once approved', async () => {
    expect((await gw.admin.post(keyUrl(weatherKey), { query: { action: 'revoke' } })).status).toBe(204);
    expectFault(await call(`${gw.url('test')}/weather/forecast?apikey=${weatherKey}`), 'keymanagement.service.invalid_client-app_not_approved');
    expect((await gw.admin.post(keyUrl(weatherKey), { query: { action: 'approve' } })).status).toBe(204);
    expect((await call(`${gw.url('test')}/weather/forecast?apikey=${weatherKey}`)).status).toBe(200);
  });

  it('refuses keys of an inactive developer', async () => {
    expect((await gw.admin.post('/v1/o/demo/developers/ann@example.com', { query: { action: 'inactive' } })).status).toBe(204);
    expectFault(await call(`${gw.url('test')}/weather/forecast?apikey=${weatherKey}`), 'keymanagement.service.DeveloperStatusNotActive');
    expect((await gw.admin.post('/v1/o/demo/developers/ann@example.com', { query: { action: 'active' } })).status).toBe(204);
    expect((await call(`${gw.url('test')}/weather/forecast?apikey=${weatherKey}`)).status).toBe(200);
  });

  it('never writes the key into the gateway log', () => {
    expect(JSON.stringify(gw.logs)).not.toContain(weatherKey);
  });
});
