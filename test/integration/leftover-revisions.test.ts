// A deploy at another base path leaves the old revision serving (Apigee): Baton says so in every surface.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';

function mockBundle(label: string): Promise<Uint8Array> {
  return packBundle({
    'apiproxy/orders.xml': '<APIProxy name="orders"/>',
    'apiproxy/proxies/default.xml': `<ProxyEndpoint name="default">
      <HTTPProxyConnection><BasePath>/orders</BasePath></HTTPProxyConnection>
      <PreFlow><Response><Step><Name>AM-Answer</Name></Step></Response></PreFlow>
      <RouteRule name="mock"/>
    </ProxyEndpoint>`,
    'apiproxy/policies/AM-Answer.xml': `<AssignMessage name="AM-Answer"><AssignTo>response</AssignTo>
      <Set><Payload contentType="text/plain">${label}</Payload></Set></AssignMessage>`,
  });
}

const M = '/v1/organizations/demo';

async function importTwo(gw: TestGateway): Promise<void> {
  for (const label of ['one', 'two']) {
    const res = await gw.admin.post(`${M}/apis`, { query: { action: 'import', name: 'orders' }, body: Buffer.from(await mockBundle(label)), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(201);
  }
}

async function answerAt(gw: TestGateway, path: string): Promise<string | number> {
  const res = await request(`${gw.url()}${path}`);
  const text = await res.body.text();
  return res.statusCode === 200 ? text : res.statusCode;
}

describe('leftover revisions', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('are kept by default and reported in the deploy response, the listings, the metrics and the log', async () => {
    gw = await startGateway();
    await importTwo(gw);
    expect((await gw.admin.post(`${M}/environments/test/apis/orders/revisions/1/deployments`, { query: { basepath: '/v1' } })).status).toBe(200);
    const deploy = await gw.admin.post(`${M}/e/test/apis/orders/revisions/2/deployments`, { query: { basepath: '/v2', override: 'true', delay: '5' } });
    expect(deploy.status).toBe(200);
    const body = deploy.json<{ state: string; revision: string; baton: { leftoverRevisions: unknown[]; warning: string } }>();
    // The Apigee shape is unchanged (a single object: nothing was replaced) with Baton's warning beside it.
    expect(body.revision).toBe('2');
    expect(body.state).toBe('deployed');
    expect(body.baton.leftoverRevisions).toEqual([{ revision: '1', basePath: '/v1', environment: 'test' }]);
    expect(body.baton.warning).toContain('revision 1 at /v1 of orders stayed deployed in test');

    expect(await answerAt(gw, '/v1/orders')).toBe('one');
    expect(await answerAt(gw, '/v2/orders')).toBe('two');

    const listing = (await gw.admin.get(`${M}/apis/orders/deployments`)).json<{ environment: Array<{ revision: Array<{ name: string; baton?: { leftover?: boolean } }> }> }>();
    const revisions = listing.environment[0]!.revision;
    expect(revisions.map((r) => [r.name, r.baton?.leftover ?? false])).toEqual([['2', false], ['1', true]]);

    const metrics = (await gw.admin.get('/metrics')).text();
    expect(metrics).toMatch(/baton_leftover_revisions\{org="demo",env="test"\} 1/);
    expect(metrics).toMatch(/baton_leftover_revisions\{org="demo",env="prod"\} 0/);
    expect(gw.logs.some((l) => l.msg === 'leftover revisions: other revisions of this proxy stay deployed at other base paths' && l.api === 'orders')).toBe(true);

    // Undeploying the leftover clears every surface.
    expect((await gw.admin.delete(`${M}/environments/test/apis/orders/revisions/1/deployments`)).status).toBe(200);
    expect((await gw.admin.get('/metrics')).text()).toMatch(/baton_leftover_revisions\{org="demo",env="test"\} 0/);
  });

  it('are undeployed with the delay when deployments.leftoverRevisions is "undeploy"', async () => {
    gw = await startGateway({ leftoverRevisions: 'undeploy' });
    await importTwo(gw);
    await gw.admin.post(`${M}/environments/test/apis/orders/revisions/1/deployments`, { query: { basepath: '/v1' } });
    const deploy = await gw.admin.post(`${M}/environments/test/apis/orders/revisions/2/deployments`, { query: { basepath: '/v2' } });
    // Treated as replaced: the seamless form, new revision first.
    expect(deploy.json<{ environment: Array<{ revision: string }> }>().environment.map((e) => e.revision)).toEqual(['2', '1']);
    await gw.gateway.deployments.settle();
    expect(await answerAt(gw, '/v1/orders')).toBe(404);
    expect(await answerAt(gw, '/v2/orders')).toBe('two');
  });

  it('refuse the deploy, changing nothing, when deployments.leftoverRevisions is "refuse"', async () => {
    gw = await startGateway({ leftoverRevisions: 'refuse' });
    await importTwo(gw);
    await gw.admin.post(`${M}/environments/test/apis/orders/revisions/1/deployments`, { query: { basepath: '/v1' } });
    const refused = await gw.admin.post(`${M}/environments/test/apis/orders/revisions/2/deployments`, { query: { basepath: '/v2' } });
    expect(refused.status).toBe(409);
    expect(refused.json<{ code: string }>().code).toBe('baton.deployments.LeftoverRevisionRefused');
    expect(await answerAt(gw, '/v1/orders')).toBe('one');
    expect(await answerAt(gw, '/v2/orders')).toBe(404);
    // At the same base path it is an ordinary replacement, so it is allowed.
    expect((await gw.admin.post(`${M}/environments/test/apis/orders/revisions/2/deployments`, { query: { basepath: '/v1', override: 'true' } })).status).toBe(200);
  });
});
