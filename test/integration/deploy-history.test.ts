// Deploy history through a real gateway: a record per deploy and undeploy (refusals included), in the same commit as
// the change; the management API's listing, filters, paging, single reads, persistent marking, retention and permissions.
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import type { DeployHistoryRecord } from '../../src/history/deploy-history-record.js';
import type { StoreOp } from '../../src/store/store.js';
import { adminClient, type AdminClient, type AdminResponse } from '../helpers/admin-client.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { packMockProxy as mockBundle } from '../helpers/pack-mock-proxy.js';

interface HistoryPage { records: DeployHistoryRecord[]; nextStartKey: string | null }

const historyPath = '/v1/organizations/demo/environments/test/deployhistory';

function expectStatus(response: AdminResponse, status: number, code?: string): void {
  expect(response.status, response.text()).toBe(status);
  if (code !== undefined) expect(response.json<{ code: string }>().code).toBe(code);
}

async function listHistory(admin: AdminClient, query: Record<string, string | number> = {}): Promise<HistoryPage> {
  const response = await admin.get(historyPath, { query });
  expectStatus(response, 200);
  return response.json<HistoryPage>();
}

describe('deploy history', () => {
  let gw: TestGateway;
  afterEach(() => gw.close());

  async function importRevision(api: string, basePath: string, label: string): Promise<number> {
    return (await gw.gateway.revisions.importRevision({ organization: 'demo', api, bytes: await mockBundle(api, basePath, label), user: 't', validate: true })).revision;
  }

  it('records deploys, a refused deploy and an undeploy made over the management API, with what was deployed before and after', async () => {
    gw = await startGateway();
    await importRevision('orders', '/orders', 'one');
    await importRevision('orders', '/orders', 'two');
    expectStatus(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'), 200);
    // Revision 2 at the same path without override: refused, nothing changes.
    expectStatus(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/2/deployments'), 409);
    expectStatus(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/2/deployments', { query: { override: 'true' } }), 200);
    expectStatus(await gw.admin.delete('/v1/o/demo/e/test/apis/orders/revisions/2/deployments'), 200);

    const { records, nextStartKey } = await listHistory(gw.admin);
    expect(nextStartKey).toBeNull();
    const user = 'admin@baton.test';
    expect(records.map(({ kind, result, description, proxies }) => ({ kind, result, description, proxies }))).toEqual([
      { kind: 'undeploy', result: 'success', description: `Undeployed orders revision 2 by ${user}`, proxies: [{ api: 'orders', before: [{ revision: 2, basePath: '/' }], after: [] }] },
      { kind: 'deploy', result: 'success', description: `Deployed orders revision 2 at / by ${user}`, proxies: [{ api: 'orders', before: [{ revision: 1, basePath: '/' }], after: [{ revision: 2, basePath: '/' }] }] },
      { kind: 'deploy', result: 'failure', description: `Deployed orders revision 2 at / by ${user}`, proxies: [{ api: 'orders', before: [{ revision: 1, basePath: '/' }], after: [{ revision: 1, basePath: '/' }] }] },
      { kind: 'deploy', result: 'success', description: `Deployed orders revision 1 at / by ${user}`, proxies: [{ api: 'orders', before: [], after: [{ revision: 1, basePath: '/' }] }] },
    ]);
    expect(records[2]!.reason).toBe('Path /orders conflicts with existing deployment path for revision 1 of the APIProxy orders in organization demo');
    for (const record of records) {
      expect(record).toMatchObject({ organization: 'demo', environment: 'test', user, persistent: false });
      expect(record.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(typeof record.time).toBe('number');
    }
    // Records are per environment.
    expect((await gw.admin.get('/v1/o/demo/e/prod/deployhistory')).json<HistoryPage>().records).toEqual([]);

    const one = await gw.admin.get(`${historyPath}/${records[1]!.id}`);
    expectStatus(one, 200);
    expect(one.json()).toEqual(records[1]);
    expectStatus(await gw.admin.get(`${historyPath}/01HF7YAT000000000000000000`), 404, 'baton.deployhistory.RecordDoesNotExist');
    expectStatus(await gw.admin.get(`${historyPath}/not-an-id`), 404, 'baton.deployhistory.RecordDoesNotExist');
    expectStatus(await gw.admin.get(`/v1/o/demo/e/prod/deployhistory/${records[1]!.id}`), 404);
    expectStatus(await gw.admin.get('/v1/o/demo/e/nope/deployhistory'), 404, 'messaging.config.beans.EnvironmentDoesNotExist');
  });

  it('takes kind, description, persistence and source from the caller\'s history note', async () => {
    gw = await startGateway();
    const revision = await importRevision('orders', '/orders', 'one');
    const result = await gw.gateway.deployments.deploy({
      organization: 'demo', environment: 'test', api: 'orders', revision, user: 'ada@example.com',
      history: { kind: 'promotion', source: 'promotion 7f3', persistent: true },
    });
    expect(result.history).toMatchObject({
      kind: 'promotion', persistent: true, source: 'promotion 7f3', user: 'ada@example.com',
      description: 'Deployed orders revision 1 at / by ada@example.com (promotion 7f3)',
    });
    await gw.gateway.deployments.undeploy({
      organization: 'demo', environment: 'test', api: 'orders', revision, user: 'ada@example.com', delaySeconds: 30,
      history: { kind: 'undeploy', description: 'Retiring orders' },
    });
    const latest = gw.gateway.deployments.listHistory('demo', 'test').records[0]!;
    // An undeploy with a delay is recorded when it is asked for: the revision is on its way out.
    expect(latest).toMatchObject({ kind: 'undeploy', description: 'Retiring orders', persistent: false, proxies: [{ api: 'orders', before: [{ revision: 1, basePath: '/' }], after: [] }] });
  });

  it('writes a change and its history record in one commit, and a refused change\'s record in its own', async () => {
    gw = await startGateway();
    const revision = await importRevision('orders', '/orders', 'one');
    const other = await importRevision('other', '/orders', 'other');
    const store = gw.gateway.store;
    const commits: Array<readonly StoreOp[]> = [];
    const original = store.commit.bind(store);
    store.commit = (ops) => {
      commits.push(ops);
      return original(ops);
    };
    await gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'orders', revision, user: 't' });
    expect(commits).toHaveLength(1);
    expect(commits[0]!.map((op) => op.collection).sort()).toEqual(['deployhistory', 'deployments']);
    await expect(gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'other', revision: other, user: 't' })).rejects.toThrow(/conflicts/);
    expect(commits).toHaveLength(2);
    expect(commits[1]!.map((op) => op.collection)).toEqual(['deployhistory']);
    expect(commits[1]![0]!.value).toMatchObject({ result: 'failure', proxies: [{ api: 'other', before: [], after: [] }] });
  });

  it('filters by proxy and kind, pages newest first with count and startKey, and refuses bad parameters', async () => {
    gw = await startGateway();
    for (const api of ['a', 'b', 'c']) {
      await importRevision(api, `/${api}`, api);
      expectStatus(await gw.admin.post(`/v1/o/demo/e/test/apis/${api}/revisions/1/deployments`), 200);
    }
    expectStatus(await gw.admin.delete('/v1/o/demo/e/test/apis/b/revisions/1/deployments'), 200);
    const all = (await listHistory(gw.admin)).records;
    expect(all.map((r) => `${r.kind} ${r.proxies[0]!.api}`)).toEqual(['undeploy b', 'deploy c', 'deploy b', 'deploy a']);
    expect((await listHistory(gw.admin, { proxy: 'b' })).records.map((r) => r.kind)).toEqual(['undeploy', 'deploy']);
    expect((await listHistory(gw.admin, { kind: 'deploy' })).records.map((r) => r.proxies[0]!.api)).toEqual(['c', 'b', 'a']);
    expect((await listHistory(gw.admin, { group: 'payments' })).records).toEqual([]);

    const first = await listHistory(gw.admin, { count: 3 });
    expect(first.records).toEqual(all.slice(0, 3));
    expect(first.nextStartKey).toBe(all[2]!.id);
    const second = await listHistory(gw.admin, { count: 3, startKey: first.nextStartKey! });
    expect(second).toEqual({ records: all.slice(3), nextStartKey: null });

    expectStatus(await gw.admin.get(historyPath, { query: { count: 0 } }), 400, 'messaging.config.beans.InvalidParameter');
    expectStatus(await gw.admin.get(historyPath, { query: { count: 101 } }), 400);
    expectStatus(await gw.admin.get(historyPath, { query: { kind: 'deploys' } }), 400);
    expectStatus(await gw.admin.get(historyPath, { query: { startKey: 'x' } }), 400);
  });

  it('keeps at most historyRetention records, never deleting persistent ones; PUT, POST and ?persistent= mark and unmark', async () => {
    gw = await startGateway({ historyRetention: 3 });
    const revisions: number[] = [];
    for (const label of ['1', '2', '3', '4', '5', '6']) revisions.push(await importRevision('p', '/p', label));
    const deploy = (revision: number): Promise<AdminResponse> => gw.admin.post(`/v1/o/demo/e/test/apis/p/revisions/${revision}/deployments`, { query: { override: 'true' } });
    const deployedRevisions = async (): Promise<number[]> => (await listHistory(gw.admin)).records.map((r) => r.proxies[0]!.after[0]!.revision);

    expectStatus(await deploy(1), 200);
    const [first] = (await listHistory(gw.admin)).records;
    const marked = await gw.admin.put(`${historyPath}/${first!.id}`, { json: { persistent: true } });
    expectStatus(marked, 200);
    expect(marked.json()).toMatchObject({ id: first!.id, persistent: true });
    for (const revision of [2, 3, 4]) expectStatus(await deploy(revision), 200);
    // Three kept: the persistent first one and the two newest.
    expect(await deployedRevisions()).toEqual([4, 3, 1]);

    const [newest] = (await listHistory(gw.admin)).records;
    expectStatus(await gw.admin.post(`${historyPath}/${newest!.id}`, { query: { persistent: 'true' } }), 200);
    expectStatus(await deploy(5), 200);
    // Over the limit only by persistent records: 5 is kept as the newest, 3 went.
    expect(await deployedRevisions()).toEqual([5, 4, 1]);
    expect((await listHistory(gw.admin)).records.map((r) => r.persistent)).toEqual([false, true, true]);

    expectStatus(await gw.admin.post(`${historyPath}/${first!.id}`, { json: { persistent: false } }), 200);
    expect(await deployedRevisions()).toEqual([5, 4, 1]);
    expectStatus(await deploy(6), 200);
    expect(await deployedRevisions()).toEqual([6, 5, 4]);

    expectStatus(await gw.admin.put(`${historyPath}/${newest!.id}`), 400, 'messaging.config.beans.InvalidParameter');
    expectStatus(await gw.admin.put(`${historyPath}/${newest!.id}`, { json: { persistent: 'yes' } }), 400);
    expectStatus(await gw.admin.put(`${historyPath}/${first!.id}`, { json: { persistent: true } }), 404, 'baton.deployhistory.RecordDoesNotExist');
    const audited = gw.gateway.audit.list('demo').filter((e) => e.operation === 'mark-deploy-history');
    expect(audited.map((e) => e.result)).toEqual(['failure', 'failure', 'failure', 'success', 'success', 'success']);
  });

  it('lets a READ-only user read the history but not mark records or roll back (403, nothing changes)', async () => {
    gw = await startGateway();
    const admin = { user: 'admin@baton.test', method: 'basic', isAdmin: true, has: () => true } as Principal;
    await gw.gateway.access.createRole('demo', 'reader', admin);
    await gw.gateway.access.addRolePermissions('demo', 'reader', { permissions: ['READ'] }, admin);
    await gw.gateway.access.createUser({ emailId: 'reader@example.com', password: 'a-long-password' }, admin);
    await gw.gateway.access.addUserToRole('demo', 'reader', 'reader@example.com', admin);
    const reader = adminClient(gw.gateway.adminUrl, { user: 'reader@example.com', password: 'a-long-password' });
    await importRevision('orders', '/orders', 'one');
    expectStatus(await gw.admin.post('/v1/o/demo/e/test/apis/orders/revisions/1/deployments'), 200);
    const [record] = (await listHistory(reader)).records;
    expectStatus(await reader.get(`${historyPath}/${record!.id}`), 200);
    expectStatus(await reader.post(`${historyPath}/${record!.id}/rollback`), 403, 'security.Forbidden');
    expectStatus(await reader.put(`${historyPath}/${record!.id}`, { json: { persistent: true } }), 403, 'security.Forbidden');
    expect((await listHistory(gw.admin)).records).toEqual([record]);
    expect(gw.gateway.audit.list('demo').filter((e) => e.operation === 'rollback-deployments').map((e) => [e.user, e.result])).toEqual([['reader@example.com', 'failure']]);

    await gw.gateway.access.createUser({ emailId: 'nobody@example.com', password: 'a-long-password' }, admin);
    const nobody = adminClient(gw.gateway.adminUrl, { user: 'nobody@example.com', password: 'a-long-password' });
    expectStatus(await nobody.get(historyPath), 403);
  });
});
