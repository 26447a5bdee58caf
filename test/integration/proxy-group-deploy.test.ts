// Deploying and undeploying a proxy group: one atomic swap under load, all-or-nothing on a broken member, history, status.
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeployHistoryRecord } from '../../src/history/deploy-history-record.js';
import { packBundle } from '../helpers/pack-bundle.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { startLoad, type LoadSummary } from '../helpers/start-load.js';
import { createUserWithRoles } from './promotion-fixture.js';
import { createGroup, expectBody, groupDeploymentsPath, groupsPath, importMock } from './proxy-group-fixture.js';

interface GroupChangeJson {
  group: string;
  environment: string;
  deployed: Array<{ api: string; revision: string; basePath: string }>;
  undeployed: Array<{ api: string; revision: string; basePath: string }>;
  unchanged: Array<{ api: string; revision: string; basePath: string }>;
  leftoverRevisions?: Array<{ api: string; revision: string; basePath: string }>;
  warning?: string;
  history: DeployHistoryRecord;
}

const labelOf = (body: Buffer): string => {
  try {
    return (JSON.parse(body.toString('utf8')) as { rev: string }).rev;
  } catch {
    return body.toString('utf8').slice(0, 80);
  }
};

/** Per connection, labels go from the old set to the new one and never back. */
function expectOneSwitch(summary: LoadSummary, connections: number, before: readonly string[], after: readonly string[]): void {
  for (let loop = 0; loop < connections; loop++) {
    const labels = summary.results.filter((r) => r.loop === loop).map((r) => r.label ?? '');
    const firstNew = labels.findIndex((l) => after.includes(l));
    expect(labels.slice(0, firstNew === -1 ? labels.length : firstNew).every((l) => before.includes(l)), labels.join(',')).toBe(true);
    if (firstNew !== -1) expect(labels.slice(firstNew).every((l) => after.includes(l)), labels.join(',')).toBe(true);
  }
}

describe('proxy group deploy and undeploy', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startGateway({ revisionHeader: true });
  });
  afterEach(() => gw.close());

  const deployed = (environment = 'test'): string[] => gw.gateway.deployments.list('demo', { environment }).map((r) => `${r.api}/${r.revision}@${r.basePath}${r.group ? `#${r.group.name}` : ''}`);
  const historyCount = (): number => gw.gateway.deployments.listHistory('demo', 'test').records.length;
  const latestRecord = (): DeployHistoryRecord => gw.gateway.deployments.listHistory('demo', 'test').records[0]!;

  it('puts every member live in one swap under load, replacing deployed revisions with no 5xx, with one group history record', async () => {
    for (const label of ['a1', 'a2']) await importMock(gw, 'a', '/a', label);
    for (const label of ['b1', 'b2']) await importMock(gw, 'b', '/b', label);
    for (const api of ['a', 'b']) expectBody(await gw.admin.post(`/v1/organizations/demo/environments/test/apis/${api}/revisions/1/deployments`), 200);
    expectBody(await createGroup(gw.admin, { name: 'shop', members: [{ api: 'a', revision: 2 }, { api: 'b', revision: 2 }] }), 201);
    const records = historyCount();

    const load = startLoad({ origin: gw.url(), connections: 4, request: (_loop, sequence) => ({ path: sequence % 2 === 0 ? '/a' : '/b' }), describe: (r) => labelOf(r.body) });
    await load.waitFor((r) => r.label === 'b1');
    const response = await gw.admin.post(groupDeploymentsPath('shop', 'test'), { json: { description: 'shop 2.0', persistent: true } });
    const answeredAtMs = performance.now();
    await load.waitFor((r) => r.startedAtMs > answeredAtMs && r.label === 'a2');
    await load.waitFor((r) => r.startedAtMs > answeredAtMs && r.label === 'b2');
    const summary = await load.stop();

    const body = expectBody(response, 200) as unknown as GroupChangeJson;
    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    expect(summary.results.filter((r) => r.startedAtMs > answeredAtMs).every((r) => r.label === 'a2' || r.label === 'b2')).toBe(true);
    expectOneSwitch(summary, 4, ['a1', 'b1'], ['a2', 'b2']);
    expect(body).toMatchObject({
      group: 'shop', environment: 'test', unchanged: [],
      deployed: [{ api: 'a', revision: '2', basePath: '/' }, { api: 'b', revision: '2', basePath: '/' }],
      undeployed: [{ api: 'a', revision: '1', basePath: '/' }, { api: 'b', revision: '1', basePath: '/' }],
    });
    expect(body.leftoverRevisions).toBeUndefined();
    await gw.gateway.deployments.settle();
    expect(deployed()).toEqual(['a/2@/#shop', 'b/2@/#shop']);
    expect(historyCount()).toBe(records + 1);
    expect(body.history).toEqual(latestRecord());
    expect(body.history).toMatchObject({
      kind: 'group', group: 'shop', source: 'group shop', description: 'shop 2.0', persistent: true, result: 'success', user: 'admin@baton.test',
      proxies: [{ api: 'a', before: [{ revision: 1, basePath: '/' }], after: [{ revision: 2, basePath: '/' }] }, { api: 'b', before: [{ revision: 1, basePath: '/' }], after: [{ revision: 2, basePath: '/' }] }],
    });
    expect(expectBody(await gw.admin.get('/v1/organizations/demo/environments/test/deployhistory', { query: { group: 'shop' } }), 200).records).toHaveLength(1);
    expect(expectBody(await gw.admin.get(groupDeploymentsPath('shop', 'test')), 200)).toMatchObject({
      name: 'shop', environment: 'test', state: 'deployed', upToDate: true, formerMembers: [],
      members: [{ api: 'a', revision: '2', deployments: [{ revision: '2', basePath: '/', upToDate: true }] }, { api: 'b', revision: '2', deployments: [{ revision: '2', basePath: '/', upToDate: true }] }],
    });
  });

  it('changes nothing when one member conflicts on a base path, under load with no 5xx, naming the member in the answer and the history', async () => {
    await importMock(gw, 'a', '/a', 'a1');
    await importMock(gw, 'a', '/a', 'a2');
    await importMock(gw, 'c', '/c', 'c1');
    await importMock(gw, 'other', '/c', 'x1');
    for (const api of ['a', 'other']) expectBody(await gw.admin.post(`/v1/organizations/demo/environments/test/apis/${api}/revisions/1/deployments`), 200);
    expectBody(await createGroup(gw.admin, { name: 'shop', members: [{ api: 'a', revision: 2 }, 'c'] }), 201);
    const before = deployed();

    const load = startLoad({ origin: gw.url(), connections: 4, request: { path: '/a' }, describe: (r) => labelOf(r.body) });
    await load.waitFor((r) => r.label === 'a1');
    const response = await gw.admin.post(groupDeploymentsPath('shop', 'test'));
    const answeredAtMs = performance.now();
    let seen = 0;
    await load.waitFor((r) => r.startedAtMs > answeredAtMs && ++seen >= 20);
    const summary = await load.stop();

    expect(expectBody(response, 409)).toMatchObject({
      code: 'baton.proxygroups.MemberConflict', member: 'c', revision: '1',
      message: 'API proxy group shop cannot be deployed to environment test: member c revision 1: Path /c conflicts with existing deployment path for revision 1 of the APIProxy other in organization demo; nothing was changed',
    });
    expect({ non2xx: summary.non2xx, errors: summary.errors }).toEqual({ non2xx: 0, errors: 0 });
    expect(summary.results.every((r) => r.label === 'a1')).toBe(true);
    expect(deployed()).toEqual(before);
    expect(latestRecord()).toMatchObject({
      kind: 'group', group: 'shop', result: 'failure',
      reason: 'c revision 1: Path /c conflicts with existing deployment path for revision 1 of the APIProxy other in organization demo',
      proxies: [{ api: 'a', before: [{ revision: 1, basePath: '/' }], after: [{ revision: 1, basePath: '/' }] }, { api: 'c', before: [], after: [] }],
    });
  });

  it('refuses a member whose revision has problems or whose environment lacks a TargetServer, before anything changes', async () => {
    await importMock(gw, 'a', '/a', 'a1');
    const broken = await packBundle({
      'apiproxy/d.xml': '<APIProxy name="d"/>',
      'apiproxy/proxies/default.xml': '<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/d</BasePath></HTTPProxyConnection><PreFlow><Request><Step><Name>Missing</Name></Step></Request></PreFlow><RouteRule name="none"/></ProxyEndpoint>',
    });
    expectBody(await gw.admin.post('/v1/organizations/demo/apis', { query: { action: 'import', name: 'd' }, body: broken, headers: { 'content-type': 'application/octet-stream' } }), 201);
    expectBody(await createGroup(gw.admin, { name: 'bad', members: ['a', 'd'] }), 201);
    const invalid = expectBody(await gw.admin.post(groupDeploymentsPath('bad', 'test')), 400);
    expect(invalid).toMatchObject({ code: 'baton.proxygroups.MemberInvalid', member: 'd', revision: '1' });
    expect(invalid.message).toMatch(/^API proxy group bad cannot be deployed to environment test: member d revision 1: proxies\/default.xml: .*Missing/);

    const lb = await packBundle({
      'apiproxy/e.xml': '<APIProxy name="e"/>',
      'apiproxy/proxies/default.xml': '<ProxyEndpoint name="default"><HTTPProxyConnection><BasePath>/e</BasePath></HTTPProxyConnection><RouteRule name="r"><TargetEndpoint>lb</TargetEndpoint></RouteRule></ProxyEndpoint>',
      'apiproxy/targets/lb.xml': '<TargetEndpoint name="lb"><HTTPTargetConnection><LoadBalancer><Server name="orders-1"/></LoadBalancer><Path>/</Path></HTTPTargetConnection></TargetEndpoint>',
    });
    expectBody(await gw.admin.post('/v1/organizations/demo/apis', { query: { action: 'import', name: 'e' }, body: lb, headers: { 'content-type': 'application/octet-stream' } }), 201);
    expectBody(await gw.admin.put(`${groupsPath}/bad`, { json: { members: ['a', 'e'] } }), 200);
    expect(expectBody(await gw.admin.post(groupDeploymentsPath('bad', 'test')), 409)).toMatchObject({
      code: 'baton.proxygroups.MemberConflict', member: 'e', revision: '1',
      message: 'API proxy group bad cannot be deployed to environment test: member e revision 1: TargetServer orders-1 does not exist in environment test; nothing was changed',
    });
    expect(deployed()).toEqual([]);
    const records = gw.gateway.deployments.listHistory('demo', 'test', { group: 'bad' }).records;
    expect(records.map((r) => `${r.kind} ${r.result}`)).toEqual(['group failure', 'group failure']);
  });

  it('undeploys every member together in one change with one record; a second undeploy is 400', async () => {
    await importMock(gw, 'a', '/a', 'a1');
    await importMock(gw, 'b', '/b', 'b1');
    expectBody(await createGroup(gw.admin, { name: 'shop', members: ['a', 'b'] }), 201);
    expectBody(await gw.admin.post(groupDeploymentsPath('shop', 'test')), 200);
    const records = historyCount();

    const load = startLoad({ origin: gw.url(), connections: 2, request: (_loop, sequence) => ({ path: sequence % 2 === 0 ? '/a' : '/b' }), describe: (r) => (r.status === 200 ? labelOf(r.body) : String(r.status)) });
    await load.waitFor((r) => r.label === 'b1');
    const response = await gw.admin.delete(groupDeploymentsPath('shop', 'test'), { query: { description: 'retire the shop' } });
    const answeredAtMs = performance.now();
    await load.waitFor((r) => r.startedAtMs > answeredAtMs && r.label === '404');
    const summary = await load.stop();

    expect(expectBody(response, 200)).toMatchObject({ group: 'shop', deployed: [], undeployed: [{ api: 'a', revision: '1' }, { api: 'b', revision: '1' }] });
    // Both go in the same step: once one answers 404, the other does too.
    expectOneSwitch(summary, 2, ['a1', 'b1'], ['404']);
    expect(summary.results.filter((r) => r.status >= 500)).toEqual([]);
    await gw.gateway.deployments.settle();
    expect(deployed()).toEqual([]);
    expect(historyCount()).toBe(records + 1);
    expect(latestRecord()).toMatchObject({
      kind: 'group', group: 'shop', result: 'success', description: 'retire the shop',
      proxies: [{ api: 'a', before: [{ revision: 1, basePath: '/' }], after: [] }, { api: 'b', before: [{ revision: 1, basePath: '/' }], after: [] }],
    });
    expect(expectBody(await gw.admin.delete(groupDeploymentsPath('shop', 'test')), 400)).toMatchObject({
      code: 'baton.proxygroups.ProxyGroupNotDeployed', message: 'API proxy group shop is not deployed in environment test',
    });
    expect(latestRecord()).toMatchObject({ kind: 'group', group: 'shop', result: 'failure' });
  });

  it('reports leftover revisions, follows the latest revision, and undeploys former members at the next deploy', async () => {
    await importMock(gw, 'a', '/a', 'a1');
    await importMock(gw, 'b', '/b', 'b1');
    expectBody(await gw.admin.post('/v1/organizations/demo/environments/test/apis/a/revisions/1/deployments', { query: { basepath: '/old' } }), 200);
    expectBody(await createGroup(gw.admin, { name: 'shop', members: [{ api: 'a', basePath: '/' }, 'b'] }), 201);
    await importMock(gw, 'a', '/a', 'a2');
    const first = expectBody(await gw.admin.post(groupDeploymentsPath('shop', 'test')), 200) as unknown as GroupChangeJson;
    expect(first.deployed).toEqual([{ api: 'a', revision: '2', basePath: '/' }, { api: 'b', revision: '1', basePath: '/' }]);
    expect(first.leftoverRevisions).toEqual([{ api: 'a', revision: '1', basePath: '/old' }]);
    expect(first.warning).toContain('a revision 1 at /old stayed deployed in test');
    expect(deployed()).toEqual(['a/1@/old', 'a/2@/#shop', 'b/1@/#shop']);

    expectBody(await gw.admin.put(`${groupsPath}/shop`, { json: { members: [{ api: 'a', basePath: '/' }] } }), 200);
    expect(expectBody(await gw.admin.get(groupDeploymentsPath('shop', 'test')), 200)).toMatchObject({
      state: 'deployed', upToDate: false, formerMembers: [{ api: 'b', deployments: [{ revision: '1' }] }],
    });
    const second = expectBody(await gw.admin.post(groupDeploymentsPath('shop', 'test')), 200) as unknown as GroupChangeJson;
    expect(second).toMatchObject({ deployed: [], unchanged: [{ api: 'a', revision: '2' }], undeployed: [{ api: 'b', revision: '1' }] });
    expect(deployed()).toEqual(['a/1@/old', 'a/2@/#shop']);
    expect(expectBody(await gw.admin.get(groupDeploymentsPath('shop', 'test')), 200)).toMatchObject({ state: 'deployed', upToDate: true, formerMembers: [] });
    expect(expectBody(await gw.admin.get(`${groupsPath}/shop/deployments`), 200)).toMatchObject({
      name: 'shop', environments: [{ environment: 'test', state: 'deployed' }, { environment: 'prod', state: 'notDeployed' }],
    });
  });

  it('needs API_MANAGEMENT and DEPLOY_UNDEPLOY in the environment to deploy or undeploy (403); unknown ones are 404', async () => {
    await importMock(gw, 'a', '/a', 'a1');
    expectBody(await createGroup(gw.admin, { name: 'shop', members: ['a'] }), 201);
    const operator = await createUserWithRoles(gw, 'ops@example.com', ['opsadmin']);
    expect(expectBody(await operator.post(groupDeploymentsPath('shop', 'test')), 403)).toMatchObject({ code: 'security.Forbidden', message: 'User ops@example.com lacks permission API_MANAGEMENT' });
    expect(expectBody(await operator.delete(groupDeploymentsPath('shop', 'test')), 403).code).toBe('security.Forbidden');
    expect(expectBody(await operator.get(groupDeploymentsPath('shop', 'test')), 200)).toMatchObject({ state: 'notDeployed' });
    expect(expectBody(await gw.admin.post(groupDeploymentsPath('nope', 'test')), 404).code).toBe('baton.proxygroups.ProxyGroupDoesNotExist');
    expect(expectBody(await gw.admin.post(groupDeploymentsPath('shop', 'staging')), 404).code).toBe('messaging.config.beans.EnvironmentDoesNotExist');
    expect(expectBody(await gw.admin.post(groupDeploymentsPath('shop', 'test'), { query: { delay: 'soon' } }), 400).code).toBe('messaging.config.beans.InvalidParameter');
    expect(deployed()).toEqual([]);
  });
});
