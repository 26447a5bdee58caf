// Rollback to a deploy history record through a real gateway: the named proxies get back what the record shows after
// it, in one swap under load, with its own record; a deleted revision blocks it and nothing changes.
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployHistoryRecord } from '../../src/history/deploy-history-record.js';
import type { AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startLoad } from '../helpers/start-load.js';
import { packMockProxy as mockBundle } from '../helpers/pack-mock-proxy.js';

interface RollbackJson {
  record: DeployHistoryRecord;
  deploymentResult: { success: boolean; deployed: unknown[]; undeployed: unknown[]; unchanged: unknown[] };
}

const historyPath = '/v1/organizations/demo/environments/test/deployhistory';

function expectStatus(response: AdminResponse, status: number, code?: string): void {
  expect(response.status, response.text()).toBe(status);
  if (code !== undefined) expect(response.json<{ code: string }>().code).toBe(code);
}

describe('rollback to a deploy history record', () => {
  let gw: TestGateway;
  afterEach(() => gw.close());

  async function importRevision(api: string, basePath: string, label: string): Promise<number> {
    return (await gw.gateway.revisions.importRevision({ organization: 'demo', api, bytes: await mockBundle(api, basePath, label), user: 't', validate: true })).revision;
  }

  const deployed = (): string[] => gw.gateway.deployments.list('demo', { environment: 'test' }).map((r) => `${r.api}/${r.revision}@${r.basePath}`);
  const latestRecord = (): DeployHistoryRecord => gw.gateway.deployments.listHistory('demo', 'test').records[0]!;

  it('restores two proxies in one atomic swap under load: only 2xx, every connection sees the old state then the new one', async () => {
    gw = await startGateway();
    for (const label of ['a1', 'a2']) await importRevision('a', '/a', label);
    for (const label of ['b1', 'b2']) await importRevision('b', '/b', label);
    // The record to come back to names both proxies (as a group deploy's would).
    const group = await gw.gateway.deployments.applyEnvironmentChange({
      organization: 'demo', environment: 'test', user: 't', history: { kind: 'group', group: 'shop' },
      changes: [{ api: 'a', deploy: [{ revision: 1 }] }, { api: 'b', deploy: [{ revision: 1 }] }],
    });
    expect(group.history).toMatchObject({ kind: 'group', group: 'shop', proxies: [{ api: 'a', before: [], after: [{ revision: 1, basePath: '/' }] }, { api: 'b', before: [], after: [{ revision: 1, basePath: '/' }] }] });
    for (const api of ['a', 'b']) expectStatus(await gw.admin.post(`/v1/o/demo/e/test/apis/${api}/revisions/2/deployments`, { query: { override: 'true' } }), 200);
    await gw.gateway.deployments.settle();
    expect(deployed()).toEqual(['a/2@/', 'b/2@/']);

    const load = startLoad({
      origin: gw.url(),
      connections: 4,
      request: (_loop, sequence) => ({ path: sequence % 2 === 0 ? '/a' : '/b' }),
      describe: (response) => (JSON.parse(response.body.toString('utf8')) as { rev: string }).rev,
    });
    await load.waitFor((r) => r.label === 'a2');
    const response = await gw.admin.post(`${historyPath}/${group.history.id}/rollback`, { json: { description: 'back to the shop release' } });
    const answeredAtMs = performance.now();
    await load.waitFor((r) => r.startedAtMs > answeredAtMs && r.label === 'a1');
    await load.waitFor((r) => r.startedAtMs > answeredAtMs && r.label === 'b1');
    const summary = await load.stop();
    expectStatus(response, 200);
    // Every request sent after the rollback answered is served by the restored state.
    expect(summary.results.filter((r) => r.startedAtMs > answeredAtMs).every((r) => r.label === 'a1' || r.label === 'b1')).toBe(true);

    expect(summary.non2xx).toBe(0);
    expect(summary.errors).toBe(0);
    // Per connection: old labels (a2, b2), then new ones (a1, b1), never back: both proxies changed in one step.
    for (let loop = 0; loop < 4; loop++) {
      const labels = summary.results.filter((r) => r.loop === loop).map((r) => r.label);
      const firstNew = labels.findIndex((l) => l === 'a1' || l === 'b1');
      expect(labels.slice(0, firstNew === -1 ? labels.length : firstNew).every((l) => l === 'a2' || l === 'b2')).toBe(true);
      if (firstNew !== -1) expect(labels.slice(firstNew).every((l) => l === 'a1' || l === 'b1')).toBe(true);
    }
    expect(deployed()).toEqual(['a/1@/', 'b/1@/']);
    const body = response.json<RollbackJson>();
    expect(body.deploymentResult).toMatchObject({ success: true, unchanged: [] });
    expect(body.deploymentResult.deployed).toEqual([{ api: 'a', revision: 1, basePath: '/' }, { api: 'b', revision: 1, basePath: '/' }]);
    expect(body.deploymentResult.undeployed).toEqual([{ api: 'a', revision: 2, basePath: '/' }, { api: 'b', revision: 2, basePath: '/' }]);
    expect(body.record).toEqual(latestRecord());
    expect(body.record).toMatchObject({
      kind: 'rollback', result: 'success', user: 'admin@baton.test', description: 'back to the shop release', source: `deployhistory ${group.history.id}`,
      proxies: [
        { api: 'a', before: [{ revision: 2, basePath: '/' }], after: [{ revision: 1, basePath: '/' }] },
        { api: 'b', before: [{ revision: 2, basePath: '/' }], after: [{ revision: 1, basePath: '/' }] },
      ],
    });
    expect(gw.gateway.audit.list('demo').find((e) => e.operation === 'rollback-deployments')).toMatchObject({ result: 'success', target: `environments/test/deployhistory/${group.history.id}` });
  });

  it('undeploys revisions the record does not show, moves base paths back, and leaves proxies it does not name alone', async () => {
    gw = await startGateway();
    await importRevision('p', '/p', 'p1');
    await importRevision('p', '/p', 'p2');
    await importRevision('q', '/q', 'q1');
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, basePath: '/v1', user: 't' });
    const target = latestRecord();
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, basePath: '/v2', user: 't' });
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 2, basePath: '/v3', user: 't' });
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'q', revision: 1, user: 't' });
    expect(deployed()).toEqual(['p/1@/v2', 'p/2@/v3', 'q/1@/']);

    const response = await gw.admin.post(`${historyPath}/${target.id}/rollback`, { query: { persistent: 'true' } });
    expectStatus(response, 200);
    expect(deployed()).toEqual(['p/1@/v1', 'q/1@/']);
    expect(response.json<RollbackJson>().record).toMatchObject({
      persistent: true, description: `Rollback to deployhistory ${target.id}`,
      proxies: [{ api: 'p', before: [{ revision: 1, basePath: '/v2' }, { revision: 2, basePath: '/v3' }], after: [{ revision: 1, basePath: '/v1' }] }],
    });
    const served = await fetch(`${gw.url()}/v1/p`);
    expect(await served.json()).toEqual({ rev: 'p1' });
    expect((await fetch(`${gw.url()}/v3/p`)).status).toBe(404);

    // Rolling back to the state it is already in changes nothing but is recorded.
    const again = await gw.admin.post(`${historyPath}/${target.id}/rollback`);
    expectStatus(again, 200);
    expect(again.json<RollbackJson>().deploymentResult).toMatchObject({ deployed: [], undeployed: [], unchanged: [{ api: 'p', revision: 1, basePath: '/v1' }] });
  });

  it('keeps replaced revisions for the delay without new traffic, like a seamless deploy', async () => {
    gw = await startGateway();
    await importRevision('p', '/p', 'p1');
    await importRevision('p', '/p', 'p2');
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, user: 't' });
    const target = latestRecord();
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 2, override: true, user: 't' });
    await gw.gateway.deployments.settle();
    const response = await gw.admin.post(`${historyPath}/${target.id}/rollback`, { json: { delay: 3 } });
    expectStatus(response, 200);
    expect(response.json<RollbackJson>().deploymentResult.undeployed).toEqual([{ api: 'p', revision: 2, basePath: '/', undeployAt: expect.any(Number) }]);
    expect(await (await fetch(`${gw.url()}/p`)).json()).toEqual({ rev: 'p1' });
    expect(gw.gateway.deployments.list('demo', { environment: 'test' }).map((r) => [r.revision, r.undeployAt !== undefined])).toEqual([[1, false], [2, true]]);
    await gw.gateway.deployments.settle();
    expect(deployed()).toEqual(['p/1@/']);
  });

  it('is refused with a reason naming a deleted revision, changing nothing and recording the failure', async () => {
    gw = await startGateway();
    await importRevision('p', '/p', 'p1');
    await importRevision('p', '/p', 'p2');
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, user: 't' });
    const target = latestRecord();
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 2, override: true, user: 't' });
    await gw.gateway.deployments.settle();
    expectStatus(await gw.admin.delete('/v1/o/demo/apis/p/revisions/1'), 200);

    const refused = await gw.admin.post(`${historyPath}/${target.id}/rollback`);
    expectStatus(refused, 409, 'baton.deployhistory.RollbackNotPossible');
    expect(refused.json<{ message: string }>().message).toBe(`Cannot roll back to deploy history record ${target.id}: revision 1 of p was deleted; nothing was changed`);
    expect(deployed()).toEqual(['p/2@/']);
    expect(await (await fetch(`${gw.url()}/p`)).json()).toEqual({ rev: 'p2' });
    expect(latestRecord()).toMatchObject({
      kind: 'rollback', result: 'failure', reason: `Cannot roll back to deploy history record ${target.id}: revision 1 of p was deleted; nothing was changed`,
      proxies: [{ api: 'p', before: [{ revision: 2, basePath: '/' }], after: [{ revision: 2, basePath: '/' }] }],
    });

    expectStatus(await gw.admin.post(`${historyPath}/01HF7YAT000000000000000000/rollback`), 404, 'baton.deployhistory.RecordDoesNotExist');
    expectStatus(await gw.admin.post(`${historyPath}/${target.id}/rollback`, { json: { delay: 'soon' } }), 400, 'messaging.config.beans.InvalidParameter');
    expectStatus(await gw.admin.post(`${historyPath}/${target.id}/rollback`, { json: { persistent: 1 } }), 400);
  });

  it('is refused when another proxy now holds a base path it needs (BasePathConflict), changing nothing', async () => {
    gw = await startGateway();
    await importRevision('p', '/shared', 'p1');
    await importRevision('q', '/shared', 'q1');
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, user: 't' });
    const target = latestRecord();
    await gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, user: 't' });
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'q', revision: 1, user: 't' });
    expectStatus(await gw.admin.post(`${historyPath}/${target.id}/rollback`), 409, 'messaging.config.beans.BasePathConflict');
    expect(deployed()).toEqual(['q/1@/']);
    expect(latestRecord()).toMatchObject({ kind: 'rollback', result: 'failure' });
  });
  it('keeps a revision that an undeploy with a delay still serves, cancelling that undeploy', async () => {
    gw = await startGateway();
    await importRevision('p', '/p', 'p1');
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, user: 't' });
    const target = latestRecord();
    await gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api: 'p', revision: 1, user: 't', delaySeconds: 3600 });
    expectStatus(await gw.admin.post(`${historyPath}/${target.id}/rollback`), 200);
    // settle() would wait the hour if the pending undeploy were still armed.
    await gw.gateway.deployments.settle();
    expect(gw.gateway.deployments.list('demo', { environment: 'test' }).map((r) => [r.api, r.revision, r.basePath, r.undeployAt])).toEqual([['p', 1, '/', undefined]]);
    expect(await (await fetch(`${gw.url()}/p`)).json()).toEqual({ rev: 'p1' });
  });
});

describe('a change of several proxies in one environment', () => {
  let gw: TestGateway;
  afterEach(() => gw.close());

  it('is refused whole when two of its revisions claim one base path, and the refusal is recorded', async () => {
    gw = await startGateway();
    for (const api of ['a', 'b']) {
      await gw.gateway.revisions.importRevision({ organization: 'demo', api, bytes: await mockBundle(api, '/same', api), user: 't', validate: true });
    }
    const refused = await gw.gateway.deployments.applyEnvironmentChange({
      organization: 'demo', environment: 'test', user: 't', history: { kind: 'group', group: 'shop', description: 'shop 1.0' },
      changes: [{ api: 'a', deploy: [{ revision: 1 }] }, { api: 'b', deploy: [{ revision: 1 }] }],
    }).catch((err: unknown) => err);
    expect((refused as Error).message).toBe('Path /same conflicts with existing deployment path for revision 1 of the APIProxy a in organization demo');
    expect(gw.gateway.deployments.list('demo')).toEqual([]);
    expect(gw.gateway.deployments.listHistory('demo', 'test', { group: 'shop' }).records).toMatchObject([
      { kind: 'group', result: 'failure', description: 'shop 1.0', proxies: [{ api: 'a', before: [], after: [] }, { api: 'b', before: [], after: [] }] },
    ]);
  });
});
