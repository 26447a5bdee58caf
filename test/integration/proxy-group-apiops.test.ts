// Apinizer's API Ops group deploy: exact success and error bodies, Bearer tokens only, permissions, a failed deploy.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployHistoryRecord } from '../../src/history/deploy-history-record.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { apiOpsPath, createGroup, createTokenUser, expectBody, importMock } from './proxy-group-fixture.js';

const success = (environmentName: string) => ({
  success: true,
  deploymentResult: { success: true, message: 'Deployment completed successfully', environmentResults: [{ environmentName, success: true, message: 'Deployed successfully' }] },
});

describe('POST /apiops/projects/{project}/apiProxyGroups/{group}/environments/{env}/', () => {
  let gw: TestGateway;
  let deployer: { basic: AdminClient; bearer: AdminClient; token: string };
  const served = async (path: string, environment = 'test'): Promise<string | number> => {
    const response = await request(`${gw.url(environment)}${path}`);
    const text = await response.body.text();
    return response.statusCode === 200 ? (JSON.parse(text) as { rev: string }).rev : response.statusCode;
  };
  const latestRecord = (environment = 'test'): DeployHistoryRecord => gw.gateway.deployments.listHistory('demo', environment).records[0]!;

  beforeAll(async () => {
    gw = await startGateway();
    await importMock(gw, 'orders', '/orders', 'o1');
    await importMock(gw, 'billing', '/billing', 'b1');
    expectBody(await createGroup(gw.admin, { name: 'PaymentAPIGroup', members: ['orders', 'billing'] }), 201);
    deployer = await createTokenUser(gw, 'ci@example.com', [{ permissions: ['API_MANAGEMENT'] }, { permissions: ['DEPLOY_UNDEPLOY'], environments: ['test'] }]);
  });
  afterAll(() => gw.close());

  it('deploys every member and answers exactly the documented body; defaults the history description and persistence', async () => {
    const response = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'test'));
    expect(response.status, response.text()).toBe(200);
    expect(response.json()).toEqual(success('test'));
    expect(await served('/orders')).toBe('o1');
    expect(await served('/billing')).toBe('b1');
    expect(latestRecord()).toMatchObject({
      kind: 'group', group: 'PaymentAPIGroup', result: 'success', user: 'ci@example.com', description: 'Deployed by APIOPS Api', persistent: false,
      proxies: [{ api: 'orders', before: [], after: [{ revision: 1, basePath: '/' }] }, { api: 'billing', before: [], after: [{ revision: 1, basePath: '/' }] }],
    });
  });

  it('takes description and persistent from the JSON body, with or without the trailing slash and Content-Type', async () => {
    const withSlash = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'test'), { json: { description: 'v2.1 release', persistent: true } });
    expect(withSlash.status, withSlash.text()).toBe(200);
    expect(withSlash.json()).toEqual(success('test'));
    expect(latestRecord()).toMatchObject({ kind: 'group', group: 'PaymentAPIGroup', description: 'v2.1 release', persistent: true });
    // curl -d without -H 'Content-Type: application/json' sends a form type.
    const noSlash = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'test').slice(0, -1), {
      body: '{"description": "from curl"}', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(noSlash.status, noSlash.text()).toBe(200);
    expect(latestRecord()).toMatchObject({ description: 'from curl', persistent: false });
    const bad = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'test'), { json: { persistent: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ error: 'bad_request', error_description: 'persistent must be true or false' });
  });

  it('answers 401 in Apinizer\'s shape without a token, with a bad one, or with Basic credentials', async () => {
    const anonymous = await adminClient(gw.gateway.adminUrl).post(apiOpsPath('PaymentAPIGroup', 'test'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="Baton"');
    expect(anonymous.json()).toEqual({ error: 'unauthorized', error_description: 'Full authentication is required to access this resource' });
    const wrong = await adminClient(gw.gateway.adminUrl, { token: 'not-a-real-token' }).post(apiOpsPath('PaymentAPIGroup', 'test'));
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid access token' });
    const basic = await deployer.basic.post(apiOpsPath('PaymentAPIGroup', 'test'));
    expect(basic.status).toBe(401);
    expect(basic.json()).toEqual({ error: 'unauthorized', error_description: 'A personal API access token is required (Authorization: Bearer <token>)' });
  });

  it('answers 400 with Apinizer\'s wording for an unknown or forbidden group, environment or project', async () => {
    const groupError = { error: 'bad_request', error_description: 'API Proxy Group (Nope) is not found or user does not have privilege to access it!' };
    const envError = { error: 'bad_request', error_description: 'Environment (production) is not found or user does not have privilege to access it!' };
    const unknownGroup = await deployer.bearer.post(apiOpsPath('Nope', 'test'));
    expect(unknownGroup.status).toBe(400);
    expect(unknownGroup.json()).toEqual(groupError);
    const unknownEnv = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'production'));
    expect(unknownEnv.status).toBe(400);
    expect(unknownEnv.json()).toEqual(envError);
    // DEPLOY_UNDEPLOY only in test: prod is the environment error, though it exists.
    const forbiddenEnv = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'prod'));
    expect(forbiddenEnv.status).toBe(400);
    expect(forbiddenEnv.json()).toEqual({ error: 'bad_request', error_description: 'Environment (prod) is not found or user does not have privilege to access it!' });
    // Without API_MANAGEMENT the group is not accessible, though it exists.
    const operator = await createTokenUser(gw, 'ops@example.com', [{ permissions: ['READ', 'DEPLOY_UNDEPLOY'] }]);
    const forbiddenGroup = await operator.bearer.post(apiOpsPath('PaymentAPIGroup', 'test'));
    expect(forbiddenGroup.status).toBe(400);
    expect(forbiddenGroup.json()).toEqual({ error: 'bad_request', error_description: 'API Proxy Group (PaymentAPIGroup) is not found or user does not have privilege to access it!' });
    const unknownProject = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'test', 'MyProject'));
    expect(unknownProject.json()).toEqual({ error: 'bad_request', error_description: 'Project (MyProject) is not found or user does not have privilege to access it!' });
    expect(gw.gateway.deployments.list('demo', { environment: 'prod' })).toEqual([]);
    const audit = (await gw.admin.get('/v1/audits/organizations/demo')).json<{ auditRecord: Array<{ operation: string; user: string; result: string; details?: Record<string, unknown> }> }>();
    expect(audit.auditRecord.filter((e) => e.user === 'ops@example.com' && e.operation === 'deploy-proxygroup')).toMatchObject([{ result: 'failure', details: { status: 400, via: 'apiops' } }]);
  });

  it('answers a failed deploy in the deploy shape naming the member and why, changing nothing', async () => {
    // A revision whose proxy endpoint uses a virtual host the environment lacks.
    const zip = await packBundle({
      'apiproxy/billing.xml': '<APIProxy name="billing"/>',
      'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/billing</BasePath><VirtualHost>internal</VirtualHost></HTTPProxyConnection><RouteRule name="none"/></ProxyEndpoint>`,
    });
    expectBody(await gw.admin.post('/v1/organizations/demo/apis', { query: { action: 'import', name: 'billing' }, body: zip, headers: { 'content-type': 'application/octet-stream' } }), 201);
    const before = gw.gateway.deployments.list('demo', { environment: 'test' });
    const response = await deployer.bearer.post(apiOpsPath('PaymentAPIGroup', 'test'));
    expect(response.status, response.text()).toBe(409);
    const message = 'API Proxy (billing) revision 2: VirtualHost internal does not exist in environment test; nothing was changed';
    expect(response.json()).toEqual({
      success: false,
      deploymentResult: { success: false, message: `Deployment failed: ${message}`, environmentResults: [{ environmentName: 'test', success: false, message }] },
    });
    expect(gw.gateway.deployments.list('demo', { environment: 'test' })).toEqual(before);
    expect(await served('/billing')).toBe('b1');
    expect(latestRecord()).toMatchObject({ kind: 'group', group: 'PaymentAPIGroup', result: 'failure', description: 'Deployed by APIOPS Api' });
    expect(latestRecord().reason).toContain('member billing revision 2: VirtualHost internal does not exist in environment test');
  });
});
