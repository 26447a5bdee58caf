// Shared flow deployments and flow hooks survive a restart: restored before the proxies that call them, in dependency order.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';
import { expectAdminError, flowCalloutPolicy, importAndDeploySharedFlow, packSharedFlow, setHeaderPolicy } from './shared-flow-fixtures.js';

// `a-outer` calls `b-inner`: restored in name order, the outer one would come first and find nothing to call.
const inner = () => packSharedFlow('b-inner', { steps: ['AM-Inner'], policies: { 'AM-Inner': setHeaderPolicy('AM-Inner', 'x-inner', 'yes') } });
const outer = () => packSharedFlow('a-outer', {
  steps: ['AM-Outer', 'FC-Inner'],
  policies: { 'AM-Outer': setHeaderPolicy('AM-Outer', 'x-outer', 'yes'), 'FC-Inner': flowCalloutPolicy('FC-Inner', 'b-inner') },
});
const hookFlow = () => packSharedFlow('c-hook', { steps: ['AM-Hook'], policies: { 'AM-Hook': setHeaderPolicy('AM-Hook', 'x-hook', 'yes') } });

describe('shared flows and flow hooks across a restart', () => {
  let dataDir: string;
  let target: StartedTarget;
  let gw: TestGateway | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'baton-sharedflow-restart-'));
    target = await startTarget();
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const call = async (): Promise<Record<string, unknown>> => {
    const res = await request(`${gw!.url()}/caller`);
    expect(res.statusCode).toBe(200);
    return ((await res.body.json()) as { headers: Record<string, unknown> }).headers;
  };

  it('serves FlowCallouts, nested ones and flow hooks before the restart', async () => {
    gw = await startGateway({ dataDir });
    await importAndDeploySharedFlow(gw.admin, 'b-inner', await inner());
    await importAndDeploySharedFlow(gw.admin, 'a-outer', await outer());
    await importAndDeploySharedFlow(gw.admin, 'c-hook', await hookFlow());
    expect((await gw.admin.put('/v1/organizations/demo/environments/test/flowhooks/PreProxyFlowHook', { json: { sharedFlow: 'c-hook' } })).status).toBe(200);
    await gw.deploy('caller', await packProxy({
      name: 'caller',
      basePath: '/caller',
      proxyEndpoint: `<PreFlow><Request><Step><Name>FC-Outer</Name></Step></Request></PreFlow>
        <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
      targetEndpoint: toUrlConnection(target.url),
      policies: { 'FC-Outer': flowCalloutPolicy('FC-Outer', 'a-outer') },
    }));
    expect(await call()).toMatchObject({ 'x-outer': 'yes', 'x-inner': 'yes', 'x-hook': 'yes' });
    const body = expectAdminError(await gw.admin.delete('/v1/organizations/demo/environments/test/sharedflows/b-inner/revisions/1/deployments'), 409, 'baton.sharedflows.SharedFlowInUse');
    expect(body.message).toContain('SharedFlow a-outer revision 1');
    await gw.close();
    gw = undefined;
  });

  it('restores them all, with nothing to report', async () => {
    gw = await startGateway({ dataDir });
    const ready = await request(`${gw.gateway.adminUrl}/readyz`);
    expect(await ready.body.json()).toEqual({ status: 'ready', problems: [] });
    expect(await call()).toMatchObject({ 'x-outer': 'yes', 'x-inner': 'yes', 'x-hook': 'yes' });
    expect((await gw.admin.get('/v1/organizations/demo/environments/test/flowhooks/PreProxyFlowHook')).json()).toMatchObject({ sharedFlow: 'c-hook', continueOnError: true });
    expect((await gw.admin.get('/v1/organizations/demo/sharedflows')).json()).toEqual(['a-outer', 'b-inner', 'c-hook']);
  });

  it('refuses a deploy that would make a shared flow call itself', async () => {
    const looping = await packSharedFlow('b-inner', { steps: ['FC-Back'], policies: { 'FC-Back': flowCalloutPolicy('FC-Back', 'a-outer') } });
    const imported = await gw!.admin.post('/v1/organizations/demo/sharedflows', { query: { action: 'import', name: 'b-inner' }, body: looping, headers: { 'content-type': 'application/octet-stream' } });
    expect(imported.status).toBe(201);
    const res = await gw!.admin.post('/v1/organizations/demo/environments/test/sharedflows/b-inner/revisions/2/deployments', { query: { override: true } });
    const body = expectAdminError(res, 400, 'messaging.config.beans.InvalidBundle');
    expect(body.message).toContain('policies/FC-Back.xml');
    expect(body.message).toContain('b-inner → a-outer → b-inner');
    expect(await call()).toMatchObject({ 'x-inner': 'yes' });
  });
});
