// Deploy history across a restart: records, their persistence and the retention limit survive, ids keep increasing,
// and a rollback to a record written before the restart works.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployHistoryRecord } from '../../src/history/deploy-history-record.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { packMockProxy as mockBundle } from '../helpers/pack-mock-proxy.js';

const historyPath = '/v1/organizations/demo/environments/test/deployhistory';

describe('deploy history across a restart', () => {
  let gw: TestGateway | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  const records = async (): Promise<DeployHistoryRecord[]> => (await gw!.admin.get(historyPath)).json<{ records: DeployHistoryRecord[] }>().records;
  const deploy = (revision: number) => gw!.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api: 'p', revision, override: true, user: 't' });

  it('keeps records, persistence and the limit, and rolls back to a record from before the restart', async () => {
    // A data directory of our own: startGateway removes the temporary one it makes on close.
    dataDir = await mkdtemp(join(tmpdir(), 'baton-history-'));
    gw = await startGateway({ dataDir, historyRetention: 3 });
    for (const label of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      await gw.gateway.revisions.importRevision({ organization: 'demo', api: 'p', bytes: await mockBundle('p', '/p', label), user: 't', validate: true });
    }
    const first = (await deploy(1)).history;
    expect((await gw.admin.put(`${historyPath}/${first.id}`, { json: { persistent: true } })).status).toBe(200);
    await deploy(2);
    await deploy(3);
    const before = await records();
    expect(before.map((r) => r.proxies[0]!.after[0]!.revision)).toEqual([3, 2, 1]);
    await gw.close();

    gw = await startGateway({ dataDir, historyRetention: 3 });
    expect(await records()).toEqual(before);
    expect(await (await fetch(`${gw.url()}/p`)).json()).toEqual({ rev: 'p3' });

    const fourth = (await deploy(4)).history;
    expect(fourth.id > before[0]!.id).toBe(true);
    // The persistent record from before the restart stays; the oldest other one goes.
    expect((await records()).map((r) => r.proxies[0]!.after[0]!.revision)).toEqual([4, 3, 1]);

    const rollback = await gw.admin.post(`${historyPath}/${first.id}/rollback`);
    expect(rollback.status, rollback.text()).toBe(200);
    expect(await (await fetch(`${gw.url()}/p`)).json()).toEqual({ rev: 'p1' });
    await gw.close();

    gw = await startGateway({ dataDir, historyRetention: 3 });
    const after = await records();
    expect(after.map((r) => [r.kind, r.persistent])).toEqual([['rollback', false], ['deploy', false], ['deploy', true]]);
    expect(after[2]!.id).toBe(first.id);
    expect(gw.gateway.deployments.list('demo', { environment: 'test' }).map((r) => r.revision)).toEqual([1]);
  });
});
