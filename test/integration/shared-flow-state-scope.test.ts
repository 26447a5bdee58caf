// A shared flow keeps its own rate-limit counters even when a proxy has its name; apiproxy.name inside it stays the calling proxy's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { flowCalloutPolicy, importAndDeploySharedFlow, packSharedFlow } from './shared-flow-fixtures.js';

const quota = '<Quota name="Q"><Allow count="1"/><Interval>1</Interval><TimeUnit>minute</TimeUnit></Quota>';
const recordProxyName = '<AssignMessage name="AM-Who"><AssignVariable><Name>sf.proxy</Name><Template>{apiproxy.name}</Template></AssignVariable></AssignMessage>';
const showProxyName = '<AssignMessage name="AM-Show"><IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables><Set><Headers><Header name="x-proxy-in-shared-flow">{sf.proxy}</Header></Headers></Set></AssignMessage>';

describe('shared flow state scope', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway();
    await importAndDeploySharedFlow(gw.admin, 'auth', await packSharedFlow('auth', { steps: ['Q', 'AM-Who'], policies: { Q: quota, 'AM-Who': recordProxyName } }));
    // A proxy with the same name and a Quota policy of the same name.
    await gw.deploy('auth', await packProxy({
      name: 'auth',
      basePath: '/auth',
      proxyEndpoint: '<PreFlow><Request><Step><Name>Q</Name></Step></Request></PreFlow><RouteRule name="mock"/>',
      policies: { Q: quota },
    }));
    await gw.deploy('caller', await packProxy({
      name: 'caller',
      basePath: '/caller',
      proxyEndpoint: `<PreFlow><Request><Step><Name>FC-Auth</Name></Step></Request><Response><Step><Name>AM-Show</Name></Step></Response></PreFlow>
        <RouteRule name="mock"/>`,
      policies: { 'FC-Auth': flowCalloutPolicy('FC-Auth', 'auth'), 'AM-Show': showProxyName },
    }));
  });
  afterAll(() => gw?.close());

  it('the proxy named like the shared flow does not use up the shared flow\'s Quota', async () => {
    const proxy = await request(`${gw.url()}/auth`);
    expect(proxy.statusCode).toBe(200);
    await proxy.body.dump();
    const viaSharedFlow = await request(`${gw.url()}/caller`);
    expect(viaSharedFlow.statusCode).toBe(200);
    // Inside the shared flow, apiproxy.name is the proxy that called it.
    expect(viaSharedFlow.headers['x-proxy-in-shared-flow']).toBe('caller');
    await viaSharedFlow.body.dump();
    // Each counter still counts: the second call of each is refused.
    const again = await request(`${gw.url()}/caller`);
    expect(again.statusCode).toBe(500);
    await again.body.dump();
  });
});
