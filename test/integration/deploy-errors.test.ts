// Failed imports and deploys leave the serving state untouched (compat §3.4, STYLE §3), through a real gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { AdminError, BundleError } from '../../src/errors.js';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => new Error('expected a failure'), (err: unknown) => err);
}

describe('deploy errors leave serving state intact', () => {
  let gw: TestGateway;
  let target: StartedTarget;

  beforeAll(async () => {
    target = await startTarget();
    gw = await startGateway();
    await gw.deploy('a', await packProxy({ name: 'a', basePath: '/x', targetEndpoint: toUrlConnection(`${target.url}/from-a`) }));
  });
  afterAll(async () => {
    await gw?.close();
    await target?.close();
  });

  async function expectAStillServing(): Promise<void> {
    const res = await request(`${gw.url()}/x/ping`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-baton-revision']).toBe('a/1');
    expect(((await res.body.json()) as { url: string }).url).toBe('/from-a/ping');
  }

  it('a second proxy on the same base path → BasePathConflict 409 with the exact message; the first keeps answering', async () => {
    const tableBefore = gw.gateway.runtimes.get('demo/test')!.getRouteTable();
    const err = await failureOf(gw.deploy('b', await packProxy({ name: 'b', basePath: '/x', targetEndpoint: toUrlConnection(`${target.url}/from-b`) })));
    expect(err).toBeInstanceOf(AdminError);
    expect(err).toMatchObject({
      status: 409,
      code: 'messaging.config.beans.BasePathConflict',
      message: 'Path /x conflicts with existing deployment path for revision 1 of the APIProxy a in organization demo',
    });
    expect(gw.gateway.runtimes.get('demo/test')!.getRouteTable()).toBe(tableBefore);
    expect(gw.gateway.deployments.list('demo').map((d) => `${d.api}/${d.revision}`)).toEqual(['a/1']);
    await expectAStillServing();
  });

  it('the same conflict through a deployment base path: /x deployed at / and /x', async () => {
    const err = await failureOf(gw.deploy('c', await packProxy({ name: 'c', basePath: '/', targetEndpoint: toUrlConnection(target.url) }), { basePath: '/x' }));
    expect(err).toMatchObject({ status: 409, message: 'Path /x conflicts with existing deployment path for revision 1 of the APIProxy a in organization demo' });
    await expectAStillServing();
  });

  it('a RouteRule naming an undefined TargetEndpoint fails import with validate=true; nothing is stored', async () => {
    const zip = await packProxy({
      name: 'broken',
      basePath: '/broken',
      proxyEndpoint: '<RouteRule name="r1"><TargetEndpoint>missing</TargetEndpoint></RouteRule>',
      targetEndpoint: toUrlConnection(target.url),
    });
    const err = await failureOf(gw.gateway.revisions.importRevision({ organization: 'demo', api: 'broken', bytes: zip, user: 'test', validate: true }));
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).problems).toContainEqual({ file: 'proxies/default.xml', message: 'RouteRule r1 refers to TargetEndpoint missing, which does not exist' });
    expect(gw.gateway.revisions.getApi('demo', 'broken')).toBeUndefined();
    await expectAStillServing();
  });

  it('a seamless replacement that cannot compile in the environment fails; revision 1 keeps answering (compat §3.4)', async () => {
    const zip = await packProxy({
      name: 'a',
      basePath: '/x',
      targetEndpoint: '<HTTPTargetConnection><LoadBalancer><Server name="nosuch"/></LoadBalancer><Path>/</Path></HTTPTargetConnection>',
    });
    const record = await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'a', bytes: zip, user: 'test', validate: true });
    expect(record.revision).toBe(2);
    const err = await failureOf(gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'a', revision: 2, override: true, user: 'test' }));
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).message).toMatch(/nosuch/);
    expect(gw.gateway.deployments.list('demo').map((d) => `${d.api}/${d.revision}`)).toEqual(['a/1']);
    await expectAStillServing();
  });
});
