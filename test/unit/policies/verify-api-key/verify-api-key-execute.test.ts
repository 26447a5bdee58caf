// VerifyAPIKey per request: the variables it sets, and every fault with its Apigee code and 401.
import { describe, expect, it } from 'vitest';
import { parseXml } from '../../../../src/bundle/parse-xml.js';
import { Message } from '../../../../src/engine/message.js';
import { PolicyFault } from '../../../../src/errors.js';
import { verifyApiKeyPolicy } from '../../../../src/policies/verify-api-key/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { createDeveloperFixture, seedApp, type DeveloperFixture } from '../../developers/developer-fixture.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

const queryParamPolicy = '<VerifyAPIKey name="Verify-Key"><APIKey ref="request.queryparam.apikey"/></VerifyAPIKey>';

function setup(fixture: DeveloperFixture, xml = queryParamPolicy) {
  const services = createTestPolicyServices({ organization: 'demo', environment: 'test', apiKeys: fixture.keys, now: () => fixture.clock });
  return compilePolicy(verifyApiKeyPolicy, xml, { services });
}

function flowWithKey(key: string | undefined, pathSuffix = '/forecast') {
  const request = new Message('request');
  request.path = `/v1${pathSuffix}`;
  if (key !== undefined) request.setQueryString(`apikey=${encodeURIComponent(key)}`);
  return createFlowContext({ request, pathSuffix });
}

async function expectFault(fixture: DeveloperFixture, key: string | undefined, expected: { errorCode: string; faultName: string; message?: string }, xml?: string) {
  const flow = flowWithKey(key);
  const err = await executeExpectingFault(setup(fixture, xml), flow);
  expect(err).toBeInstanceOf(PolicyFault);
  expect(err).toMatchObject({ status: 401, policyName: 'Verify-Key', ...expected });
  expect(flow.getVariable('verifyapikey.Verify-Key.failed')).toBe(true);
  expect(flow.getVariable('oauthV2.Verify-Key.failed')).toBe(true);
  expect(flow.getVariable('oauthV2.Verify-Key.fault.name')).toBe(expected.faultName);
  expect(flow.getVariable('verifyapikey.Verify-Key.client_id')).toBeUndefined();
  return flow;
}

describe('VerifyAPIKey execute', () => {
  it('accepts a valid key and sets the verifyapikey.<policy>.* and analytics variables', async () => {
    const fixture = createDeveloperFixture();
    const product = { quota: '5', quotaInterval: '1', quotaTimeUnit: 'minute', attributes: [{ name: 'tier', value: 'gold' }] };
    const { consumerKey, consumerSecret, developer, app } = await seedApp(fixture, product);
    await fixture.service.updateApp('demo', 'ann@example.com', 'weather', { attributes: [{ name: 'DisplayName', value: 'Weather App' }, { name: 'team', value: 'sky' }] }, 'a');
    const flow = flowWithKey(consumerKey);
    await setup(fixture).execute(flow);
    const v = (name: string) => flow.getVariable(`verifyapikey.Verify-Key.${name}`);
    expect(v('client_id')).toBe(consumerKey);
    expect(v('client_secret')).toBe(consumerSecret);
    expect(v('developer.email')).toBe('ann@example.com');
    expect(v('developer.id')).toBe(developer.developerId);
    expect(v('developer.status')).toBe('active');
    expect(v('developer.app.name')).toBe('weather');
    expect(v('app.name')).toBe('weather');
    expect(v('app.id')).toBe(app.appId);
    expect(v('app.team')).toBe('sky');
    expect(v('display_name')).toBe('Weather App');
    expect(v('apiproduct.name')).toBe('gold');
    expect(v('apiproduct.tier')).toBe('gold');
    expect(v('apiproduct.developer.quota.limit')).toBe('5');
    expect(v('apiproduct.developer.quota.interval')).toBe('1');
    expect(v('apiproduct.developer.quota.timeunit')).toBe('minute');
    expect(v('failed')).toBeUndefined();
    expect(flow.getVariable('client_id')).toBe(consumerKey);
    expect(flow.getVariable('developer.app.name')).toBe('weather');
    expect(flow.getVariable('apiproduct.name')).toBe('gold');
    // Apigee leaves the key in the request.
    expect(flow.getVariable('request.queryparam.apikey')).toBe(consumerKey);
  });

  it('reads the key from a header or a literal', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture);
    const flow = flowWithKey(undefined);
    flow.request.headers.set('x-apikey', consumerKey);
    await setup(fixture, '<VerifyAPIKey name="Verify-Key"><APIKey ref="request.header.x-apikey"/></VerifyAPIKey>').execute(flow);
    expect(flow.getVariable('verifyapikey.Verify-Key.client_id')).toBe(consumerKey);
    const literal = flowWithKey(undefined);
    await setup(fixture, `<VerifyAPIKey name="Verify-Key"><APIKey>${consumerKey}</APIKey></VerifyAPIKey>`).execute(literal);
    expect(literal.getVariable('verifyapikey.Verify-Key.app.name')).toBe('weather');
  });

  it('faults FailedToResolveAPIKey when the variable is unset or empty', async () => {
    const fixture = createDeveloperFixture();
    await seedApp(fixture);
    const expected = { errorCode: 'steps.oauth.v2.FailedToResolveAPIKey', faultName: 'FailedToResolveAPIKey', message: 'Failed to resolve API Key variable request.queryparam.apikey' };
    await expectFault(fixture, undefined, expected);
    await expectFault(fixture, '', expected);
  });

  it('faults InvalidApiKey for an unknown key', async () => {
    const fixture = createDeveloperFixture();
    await seedApp(fixture);
    await expectFault(fixture, 'not-a-key', { errorCode: 'oauth.v2.InvalidApiKey', faultName: 'InvalidApiKey', message: 'Invalid ApiKey' });
  });

  it('faults invalid_client-app_not_approved for a revoked key or a revoked app', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture);
    const expected = { errorCode: 'keymanagement.service.invalid_client-app_not_approved', faultName: 'invalid_client-app_not_approved' };
    const path = { organization: 'demo', developer: 'ann@example.com', app: 'weather', consumerKey };
    await fixture.service.setKeyStatus(path, 'revoke', 'a');
    await expectFault(fixture, consumerKey, expected);
    await fixture.service.setKeyStatus(path, 'approve', 'a');
    await fixture.service.setAppStatus('demo', 'ann@example.com', 'weather', 'revoke', 'a');
    await expectFault(fixture, consumerKey, expected);
  });

  it('faults DeveloperStatusNotActive for an inactive developer', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture);
    await fixture.service.setDeveloperStatus('demo', 'ann@example.com', 'inactive', 'a');
    await expectFault(fixture, consumerKey, { errorCode: 'keymanagement.service.DeveloperStatusNotActive', faultName: 'DeveloperStatusNotActive' });
  });

  it('faults consumer_key_expired once the key expired (clock from the services)', async () => {
    const fixture = createDeveloperFixture();
    await seedApp(fixture);
    const app = await fixture.service.createApp('demo', 'ann@example.com', { name: 'brief', apiProducts: ['gold'], keyExpiresIn: 60_000 }, 'a');
    const key = app.credentials[0]!.consumerKey;
    await setup(fixture).execute(flowWithKey(key));
    fixture.clock += 60_000;
    await expectFault(fixture, key, { errorCode: 'keymanagement.service.consumer_key_expired', faultName: 'consumer_key_expired' });
  });

  it('faults InvalidApiKeyForGivenResource when no approved product covers the proxy, environment or path', async () => {
    const expected = { errorCode: 'oauth.v2.InvalidApiKeyForGivenResource', faultName: 'InvalidApiKeyForGivenResource', message: 'Invalid ApiKey for given resource' };
    for (const product of [{ proxies: ['other-proxy'] }, { environments: ['prod'] }, { apiResources: ['/current/**'] }]) {
      const fixture = createDeveloperFixture();
      const { consumerKey } = await seedApp(fixture, product);
      await expectFault(fixture, consumerKey, expected);
    }
  });

  it('in a shared flow, checks the product against the proxy that called it (apiproxy.name), not the shared flow', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture, { proxies: ['api'] });
    const services = createTestPolicyServices({ organization: 'demo', environment: 'test', apiKeys: fixture.keys, now: () => fixture.clock });
    const compiled = verifyApiKeyPolicy.compile(
      verifyApiKeyPolicy.parse(parseXml(queryParamPolicy), { file: 'policies/Verify-Key.xml', report: () => {}, resources: new Map() }),
      { policy: { name: 'Verify-Key', type: 'VerifyAPIKey', file: 'policies/Verify-Key.xml', enabled: true, continueOnError: false, config: undefined },
        resources: new Map(), organization: 'demo', apiName: 'sharedflow:auth', revision: 1, environment: 'test', services },
    );
    // createFlowContext's proxy is `api`.
    const flow = flowWithKey(consumerKey);
    await compiled.execute(flow);
    expect(flow.getVariable('verifyapikey.Verify-Key.client_id')).toBe(consumerKey);
  });

  it('buffers the body only when the key comes from a form parameter', () => {
    const fixture = createDeveloperFixture();
    expect(setup(fixture).readsContent).toBe(false);
    expect(setup(fixture, '<VerifyAPIKey name="Verify-Key"><APIKey ref="request.formparam.apikey"/></VerifyAPIKey>').readsContent).toBe(true);
  });
});
