// FlowCallout through a real gateway: shared flows imported and deployed over the management API, live redeploys, refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';
import {
  deploySharedFlow, expectAdminError, flowCalloutPolicy, importAndDeploySharedFlow, importSharedFlow, packSharedFlow, setHeaderPolicy, undeploySharedFlow, zipHeaders,
} from './shared-flow-fixtures.js';

const sharedFlowRevision = (mark: string) => packSharedFlow('add-header', {
  steps: ['AM-Shared'],
  policies: { 'AM-Shared': setHeaderPolicy('AM-Shared', 'x-shared', `${mark}-{sf.greeting}`) },
});

const callerProxy = (targetUrl: string) => packProxy({
  name: 'caller',
  basePath: '/caller',
  proxyEndpoint: `<PreFlow><Request><Step><Name>FC-Shared</Name></Step></Request></PreFlow>
    <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
  targetEndpoint: toUrlConnection(targetUrl),
  policies: {
    'FC-Shared': flowCalloutPolicy('FC-Shared', 'add-header', '<Parameters><Parameter name="sf.greeting" ref="request.header.x-greeting"/></Parameters>'),
  },
});

describe('FlowCallout calling a shared flow deployed over the management API', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  const importProxy = async (zip: Uint8Array): Promise<number> => {
    const res = await gw.admin.post('/v1/organizations/demo/apis', { query: { action: 'import', name: 'caller' }, body: zip, headers: zipHeaders });
    expect(res.status, res.text()).toBe(201);
    return Number(res.json<{ revision: string }>().revision);
  };
  const deployProxy = (revision: number) => gw.admin.post(`/v1/organizations/demo/environments/test/apis/caller/revisions/${revision}/deployments`);
  const call = async (): Promise<{ status: number; shared: unknown }> => {
    const res = await request(`${gw.url()}/caller/x`, { headers: { 'x-greeting': 'hello' } });
    const body = (await res.body.json()) as { headers?: Record<string, string> };
    return { status: res.statusCode, shared: body.headers?.['x-shared'] };
  };

  it('refuses to deploy a proxy whose FlowCallout names a shared flow not deployed in the environment, naming the policy', async () => {
    const revision = await importProxy(await callerProxy(target.url));
    const body = expectAdminError(await deployProxy(revision), 400, 'messaging.config.beans.InvalidBundle');
    expect(body.message).toContain('policies/FC-Shared.xml');
    expect(body.message).toContain('add-header');
  });

  it('imports a shared flow bundle and lists it apart from the API proxies', async () => {
    const res = await importSharedFlow(gw.admin, 'add-header', await sharedFlowRevision('v1'));
    expect(res.status, res.text()).toBe(201);
    expect(res.json()).toMatchObject({ name: 'add-header', revision: '1', sharedFlows: ['default'], policies: ['AM-Shared'], entityMetaDataAsProperties: { subType: 'SharedFlow' } });
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows')).json()).toEqual(['add-header']);
    expect((await gw.admin.get('/v1/organizations/demo/apis')).json()).toEqual(['caller']);
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows/add-header')).json()).toMatchObject({ name: 'add-header', revision: ['1'], metaData: { subType: 'SharedFlow' } });
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows/add-header/revisions')).json()).toEqual(['1']);
  });

  it('deploys the shared flow, then the proxy, and the shared flow runs with the FlowCallout parameters', async () => {
    const deployed = await deploySharedFlow(gw.admin, 'add-header', 1);
    expect(deployed.status, deployed.text()).toBe(200);
    expect(deployed.json()).toMatchObject({ sharedFlow: 'add-header', environment: 'test', revision: '1', state: 'deployed' });
    const proxyRevision = Number((await gw.admin.get('/v1/organizations/demo/apis/caller/revisions')).json<string[]>().at(-1));
    expect((await deployProxy(proxyRevision)).status).toBe(200);
    expect(await call()).toEqual({ status: 200, shared: 'v1-hello' });
  });

  it('lists the shared flow deployments in Edge shapes', async () => {
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows/add-header/deployments')).json()).toMatchObject({
      name: 'add-header', organization: 'demo', environment: [{ name: 'test', revision: [{ name: '1', state: 'deployed' }] }],
    });
    expect((await gw.admin.get('/v1/organizations/demo/environments/test/sharedflows/add-header/deployments')).json()).toMatchObject({
      environment: 'test', name: 'add-header', revision: [{ name: '1', state: 'deployed' }],
    });
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows/add-header/revisions/1/deployments')).json()).toMatchObject({
      sharedFlow: 'add-header', name: '1', environment: [{ name: 'test', state: 'deployed' }],
    });
    expect((await gw.admin.get('/v1/organizations/demo/environments/test/sharedflows/add-header/revisions/1/deployments')).json()).toMatchObject({ state: 'deployed' });
    expectAdminError(await gw.admin.get('/v1/organizations/demo/environments/prod/sharedflows/add-header/deployments'), 400, 'distribution.ApplicationNotDeployed');
  });

  it('exports the revision as the zip that was imported', async () => {
    const res = await gw.admin.get('/v1/organizations/demo/sharedflows/add-header/revisions/1', { query: { format: 'bundle' } });
    expect(res.status).toBe(200);
    expect(new Uint8Array(res.buffer)).toEqual(await sharedFlowRevision('v1'));
  });

  it('serves a redeployed shared flow revision to the deployed proxy without redeploying it', async () => {
    const imported = await importSharedFlow(gw.admin, 'add-header', await sharedFlowRevision('v2'));
    expect(imported.json()).toMatchObject({ revision: '2' });
    expectAdminError(await deploySharedFlow(gw.admin, 'add-header', 2), 409, 'baton.sharedflows.AnotherRevisionDeployed');
    expect(await call()).toEqual({ status: 200, shared: 'v1-hello' });
    const deployed = await deploySharedFlow(gw.admin, 'add-header', 2, { override: true });
    expect(deployed.status, deployed.text()).toBe(200);
    expect(await call()).toEqual({ status: 200, shared: 'v2-hello' });
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows/add-header/deployments')).json()).toMatchObject({ environment: [{ name: 'test', revision: [{ name: '2' }] }] });
  });

  it('refuses to undeploy or delete a shared flow that a deployed proxy calls', async () => {
    const undeploy = expectAdminError(await undeploySharedFlow(gw.admin, 'add-header', 2), 409, 'baton.sharedflows.SharedFlowInUse');
    expect(undeploy.message).toContain('APIProxy caller revision');
    expect(undeploy).toMatchObject({ usedBy: [expect.stringMatching(/^APIProxy caller revision \d+$/)] });
    expectAdminError(await gw.admin.delete('/v1/organizations/demo/sharedflows/add-header'), 400, 'messaging.config.beans.ApplicationDeployed');
    expectAdminError(await gw.admin.delete('/v1/organizations/demo/sharedflows/add-header/revisions/2'), 400, 'messaging.config.beans.ApplicationDeployed');
    expect(await call()).toEqual({ status: 200, shared: 'v2-hello' });
  });

  it('undeploys the shared flow once no proxy calls it, then deletes it', async () => {
    const proxyRevision = Number((await gw.admin.get('/v1/organizations/demo/apis/caller/revisions')).json<string[]>().at(-1));
    expect((await gw.admin.delete(`/v1/organizations/demo/environments/test/apis/caller/revisions/${proxyRevision}/deployments`)).status).toBe(200);
    await gw.gateway.deployments.settle();
    const undeployed = await undeploySharedFlow(gw.admin, 'add-header', 2);
    expect(undeployed.status, undeployed.text()).toBe(200);
    expect(undeployed.json()).toMatchObject({ sharedFlow: 'add-header', state: 'undeployed' });
    expectAdminError(await undeploySharedFlow(gw.admin, 'add-header', 2), 400, 'distribution.RevisionNotDeployed');
    expect((await gw.admin.delete('/v1/organizations/demo/sharedflows/add-header/revisions/1')).status).toBe(200);
    const deleted = await gw.admin.delete('/v1/organizations/demo/sharedflows/add-header');
    expect(deleted.status, deleted.text()).toBe(200);
    expect(deleted.json()).toMatchObject({ name: 'add-header', revision: ['2'] });
    expectAdminError(await gw.admin.get('/v1/organizations/demo/sharedflows/add-header'), 404, 'messaging.config.beans.SharedFlowDoesNotExist');
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows')).json()).toEqual([]);
  });

  it('numbers a re-created shared flow from 1 again and refuses bundles that are not shared flows', async () => {
    const notShared = await packProxy({ name: 'nope', basePath: '/nope' });
    const refused = await gw.admin.post('/v1/organizations/demo/sharedflows', { query: { action: 'import', name: 'nope', validate: true }, body: notShared, headers: zipHeaders });
    expectAdminError(refused, 400, 'messaging.config.beans.InvalidBundle');
    const revision = await importAndDeploySharedFlow(gw.admin, 'add-header', await sharedFlowRevision('v3'));
    expect(revision).toBe(1);
  });
});
