// The deployment base path is a prefix of every ProxyEndpoint BasePath (compat §3.3), seen through a real gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

describe('deployment base path (compat §3.3)', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    await gw.deploy('prefixed', await packProxy({
      name: 'prefixed',
      basePath: '/t',
      // The example of compat §3.3: a flow matching /t1 answers at /x/t/t1.
      proxyEndpoint: `<Flows><Flow name="t1"><Condition>proxy.pathsuffix MatchesPath "/t1"</Condition>
          <Response><Step><Name>AM-T1</Name></Step></Response></Flow></Flows>
        <RouteRule name="mock"><Condition>proxy.pathsuffix MatchesPath "/t1"</Condition></RouteRule>
        <RouteRule name="default"><TargetEndpoint>default</TargetEndpoint></RouteRule>`,
      targetEndpoint: toUrlConnection(`${target.url}/backend`),
      policies: {
        'AM-T1': `<AssignMessage name="AM-T1"><AssignTo>response</AssignTo>
          <Set><Payload contentType="text/plain">t1 at {proxy.basepath}{proxy.pathsuffix}</Payload></Set></AssignMessage>`,
      },
    }), { basePath: '/x' });
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  it('serves at deployment base path + ProxyEndpoint BasePath, with the suffix after both', async () => {
    const res = await request(`${gw.url()}/x/t/a/b?q=1`);
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { url: string }).url).toBe('/backend/a/b?q=1');
    expect(target.requests.at(-1)?.url).toBe('/backend/a/b?q=1');
  });

  it('runs the flow matching /t1 at /x/t/t1', async () => {
    const res = await request(`${gw.url()}/x/t/t1`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('t1 at /x/t/t1');
  });

  it('does not serve at the ProxyEndpoint BasePath alone, nor at the deployment base path alone', async () => {
    const before = target.requests.length;
    for (const path of ['/t/a', '/x/a', '/x']) {
      const res = await request(`${gw.url()}${path}`);
      expect(res.statusCode).toBe(404);
      expect(((await res.body.json()) as { fault: { faultstring: string } }).fault.faultstring).toBe(`Unable to identify proxy for host: default and url: ${path}`);
    }
    expect(target.requests.length).toBe(before);
  });

  it('records the deployment base path, not the ProxyEndpoint one', () => {
    expect(gw.gateway.deployments.list('demo', { api: 'prefixed' }).map((d) => d.basePath)).toEqual(['/x']);
  });
});
