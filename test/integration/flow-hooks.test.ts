// Flow hooks through a real gateway: attached and detached live, run at Apigee's four points in order, continueOnError honoured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';
import { expectAdminError, importAndDeploySharedFlow, packSharedFlow, setHeaderPolicy, tracePolicy, undeploySharedFlow } from './shared-flow-fixtures.js';

const hooks = ['PreProxyFlowHook', 'PreTargetFlowHook', 'PostTargetFlowHook', 'PostProxyFlowHook'] as const;
const hookPath = (hook: string, env = 'test') => `/v1/organizations/demo/environments/${env}/flowhooks/${hook}`;

/** A proxy that records each of its own flows in `trace` and answers it in `x-trace` (set last, in the PostProxy hook or its PostFlow). */
const tracedProxy = (targetUrl: string) => packProxy({
  name: 'traced',
  basePath: '/traced',
  proxyEndpoint: `<PreFlow><Request><Step><Name>T-PE-Pre</Name></Step></Request></PreFlow>
    <PostFlow><Response><Step><Name>T-PE-Post</Name></Step><Step><Name>AM-Trace-Out</Name></Step></Response></PostFlow>
    <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
  targetEndpoint: `${toUrlConnection(targetUrl)}
    <PreFlow><Request><Step><Name>T-TE-Pre</Name></Step></Request></PreFlow>
    <PostFlow><Response><Step><Name>T-TE-Post</Name></Step></Response></PostFlow>`,
  policies: {
    'T-PE-Pre': tracePolicy('T-PE-Pre', 'ProxyPreFlow'),
    'T-PE-Post': tracePolicy('T-PE-Post', 'ProxyPostFlow'),
    'T-TE-Pre': tracePolicy('T-TE-Pre', 'TargetPreFlow'),
    'T-TE-Post': tracePolicy('T-TE-Post', 'TargetPostFlow'),
    'AM-Trace-Out': setHeaderPolicy('AM-Trace-Out', 'x-trace', '{trace}'),
  },
});

/** A shared flow per hook: it records its hook in `trace`; the PostProxy one also answers the final trace. */
const hookFlow = (hook: string) => packSharedFlow(`sf-${hook}`, {
  steps: hook === 'PostProxyFlowHook' ? ['Trace', 'Trace-Out'] : ['Trace'],
  policies: { Trace: tracePolicy('Trace', hook), 'Trace-Out': setHeaderPolicy('Trace-Out', 'x-trace', '{trace}') },
});

const failingFlow = () => packSharedFlow('sf-failing', {
  steps: ['RF-Fail'],
  policies: { 'RF-Fail': '<RaiseFault name="RF-Fail"><FaultResponse><Set><StatusCode>403</StatusCode><Payload contentType="text/plain">hooked</Payload></Set></FaultResponse></RaiseFault>' },
});

describe('flow hooks attached to an environment', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    await gw.deploy('traced', await tracedProxy(target.url));
    for (const hook of hooks) await importAndDeploySharedFlow(gw.admin, `sf-${hook}`, await hookFlow(hook));
    await importAndDeploySharedFlow(gw.admin, 'sf-failing', await failingFlow());
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  const trace = async (): Promise<{ status: number; trace: unknown }> => {
    const res = await request(`${gw.url()}/traced/x`);
    await res.body.dump();
    return { status: res.statusCode, trace: res.headers['x-trace'] };
  };

  it('lists the four hook points and reads an empty hook', async () => {
    expect((await gw.admin.get('/v1/organizations/demo/environments/test/flowhooks')).json()).toEqual([...hooks]);
    expect((await gw.admin.get(hookPath('PreProxyFlowHook'))).json()).toEqual({ name: 'PreProxyFlowHook', flowHookPoint: 'PreProxyFlowHook', description: '' });
    expectAdminError(await gw.admin.get(hookPath('MiddleFlowHook')), 404, 'messaging.config.beans.ResourceNotFound');
  });

  it('runs no hook before any is attached', async () => {
    expect(await trace()).toEqual({ status: 200, trace: ',ProxyPreFlow,TargetPreFlow,TargetPostFlow,ProxyPostFlow' });
  });

  it('runs attached hooks at their points, in Apigee order, without redeploying the proxy', async () => {
    for (const hook of hooks) {
      const res = await gw.admin.put(hookPath(hook), { json: { sharedFlow: `sf-${hook}`, continueOnError: false } });
      expect(res.status, res.text()).toBe(200);
      expect(res.json()).toMatchObject({ flowHookPoint: hook, sharedFlow: `sf-${hook}`, continueOnError: false });
    }
    expect((await gw.admin.get(hookPath('PreTargetFlowHook'))).json()).toMatchObject({ sharedFlow: 'sf-PreTargetFlowHook', continueOnError: false });
    expect(await trace()).toEqual({
      status: 200,
      trace: ',PreProxyFlowHook,ProxyPreFlow,PreTargetFlowHook,TargetPreFlow,TargetPostFlow,PostTargetFlowHook,ProxyPostFlow,PostProxyFlowHook',
    });
  });

  it('detaches a hook live', async () => {
    const res = await gw.admin.delete(hookPath('PreTargetFlowHook'));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ sharedFlow: 'sf-PreTargetFlowHook' });
    expect((await gw.admin.get(hookPath('PreTargetFlowHook'))).json()).not.toHaveProperty('sharedFlow');
    expect(await trace()).toEqual({
      status: 200,
      trace: ',PreProxyFlowHook,ProxyPreFlow,TargetPreFlow,TargetPostFlow,PostTargetFlowHook,ProxyPostFlow,PostProxyFlowHook',
    });
  });

  it('refuses to undeploy a shared flow attached to a hook, naming the hook', async () => {
    const body = expectAdminError(await undeploySharedFlow(gw.admin, 'sf-PreProxyFlowHook', 1), 409, 'baton.sharedflows.SharedFlowInUse');
    expect(body.message).toContain('PreProxyFlowHook');
  });

  it('refuses to attach a shared flow that does not exist or is not deployed in the environment', async () => {
    expectAdminError(await gw.admin.put(hookPath('PreTargetFlowHook'), { json: { sharedFlow: 'nope' } }), 404, 'messaging.config.beans.SharedFlowDoesNotExist');
    expectAdminError(await gw.admin.put(hookPath('PreTargetFlowHook', 'prod'), { json: { sharedFlow: 'sf-failing' } }), 400, 'baton.sharedflows.SharedFlowNotDeployed');
    expectAdminError(await gw.admin.put(hookPath('PreTargetFlowHook'), { json: { continueOnError: true } }), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('lets the request go on past a failing hook with continueOnError (the default), and stops it without', async () => {
    const attached = await gw.admin.put(hookPath('PreTargetFlowHook'), {
      body: '<FlowHook name="PreTargetFlowHook"><SharedFlow>sf-failing</SharedFlow></FlowHook>', headers: { 'content-type': 'application/xml' },
    });
    expect(attached.json()).toMatchObject({ sharedFlow: 'sf-failing', continueOnError: true });
    expect((await trace()).status).toBe(200);
    await gw.admin.put(hookPath('PreTargetFlowHook'), { json: { sharedFlow: 'sf-failing', continueOnError: false } });
    const targetCalls = target.requests.length;
    const res = await request(`${gw.url()}/traced/x`);
    expect(res.statusCode).toBe(403);
    expect(await res.body.text()).toBe('hooked');
    // The fault stopped the request before the target call.
    expect(target.requests.length).toBe(targetCalls);
  });

  it('records hook changes in the audit trail', async () => {
    const entries = await gw.admin.get('/v1/audits/organizations/demo');
    expect(entries.status).toBe(200);
    expect(entries.text()).toContain('attach-flowhook');
    expect(entries.text()).toContain('environments/test/flowhooks/PreTargetFlowHook');
  });
});
