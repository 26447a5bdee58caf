// Proxy groups and their deployments survive a restart: the group as stored, members serving with the group's settings.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createGroup, expectBody, groupDeploymentsPath, groupsPath, importMock } from './proxy-group-fixture.js';

const origin = 'https://app.example.com';

describe('proxy groups across a restart', () => {
  let dataDir: string | undefined;
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps groups, their deployments and the settings compiled into the members', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'baton-groups-'));
    gw = await startGateway({ dataDir });
    await importMock(gw, 'a', '/a', 'a1');
    await importMock(gw, 'b', '/b', 'b1');
    const created = expectBody(await createGroup(gw.admin, { name: 'shop', members: ['a', { api: 'b', revision: 1 }], settings: { cors: { allowOrigins: [origin] } } }), 201);
    expectBody(await createGroup(gw.admin, { name: 'idle', members: ['a'] }), 201);
    expectBody(await gw.admin.post(groupDeploymentsPath('shop', 'prod')), 200);
    await gw.close();

    gw = await startGateway({ dataDir });
    expect(expectBody(await gw.admin.get(`${groupsPath}/shop`), 200)).toEqual(created);
    expect(expectBody(await gw.admin.get(groupsPath), 200)).toEqual(['idle', 'shop']);
    expect(expectBody(await gw.admin.get(groupDeploymentsPath('shop', 'prod')), 200)).toMatchObject({ state: 'deployed', upToDate: true });
    for (const path of ['/a', '/b']) {
      const response = await request(`${gw.url('prod')}${path}`, { headers: { origin } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
      await response.body.text();
    }
    expect(expectBody(await gw.admin.delete(groupDeploymentsPath('shop', 'prod')), 200)).toMatchObject({ undeployed: [{ api: 'a' }, { api: 'b' }] });
    expectBody(await gw.admin.delete(`${groupsPath}/shop`), 200);
    await gw.close();

    gw = await startGateway({ dataDir });
    expect(expectBody(await gw.admin.get(groupsPath), 200)).toEqual(['idle']);
    expect(gw.gateway.deployments.list('demo')).toEqual([]);
  });
});
