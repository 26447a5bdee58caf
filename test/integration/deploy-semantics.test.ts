// Deploy semantics of compat §3.4 through a real gateway: conflicts, override, delay, idempotence, moves, restart.
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { AdminError } from '../../src/errors.js';
import type { DeploymentRecord } from '../../src/deployments/deployment-records.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { packMockProxy as mockBundle } from '../helpers/pack-mock-proxy.js';

async function revisionAt(url: string): Promise<string | number> {
  const res = await request(url);
  if (res.statusCode !== 200) {
    await res.body.text();
    return res.statusCode;
  }
  return ((await res.body.json()) as { rev: string }).rev;
}

async function importRevision(gw: TestGateway, api: string, zip: Uint8Array): Promise<number> {
  return (await gw.gateway.revisions.importRevision({ organization: 'demo', api, bytes: zip, user: 't', validate: true })).revision;
}

function deploy(gw: TestGateway, api: string, revision: number, options: { override?: boolean; delaySeconds?: number; basePath?: string } = {}) {
  return gw.gateway.deployments.deploy({ organization: 'demo', environment: 'test', api, revision, user: 't', ...options });
}

function records(gw: TestGateway, api: string): DeploymentRecord[] {
  return gw.gateway.deployments.list('demo', { environment: 'test', api });
}

describe('deploy semantics', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('refuses a second revision at the same path without override, replaces it with override', async () => {
    gw = await startGateway();
    const r1 = await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'one'));
    const r2 = await importRevision(gw, 'orders', await mockBundle('orders', '/orders', 'two'));
    await deploy(gw, 'orders', r1);
    const refused = await deploy(gw, 'orders', r2).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdminError);
    expect((refused as AdminError).status).toBe(409);
    expect((refused as AdminError).message).toBe('Path /orders conflicts with existing deployment path for revision 1 of the APIProxy orders in organization demo');
    expect(await revisionAt(`${gw.url()}/orders`)).toBe('one');

    const result = await deploy(gw, 'orders', r2, { override: true, delaySeconds: 2 });
    // Every request after the deploy call returns is served by the new revision.
    expect(await revisionAt(`${gw.url()}/orders`)).toBe('two');
    expect(result.replaced.map((r) => r.revision)).toEqual([1]);
    // During the delay the old revision is still listed as deployed, with its undeploy time.
    expect(records(gw, 'orders').map((r) => [r.revision, r.undeployAt !== undefined])).toEqual([[1, true], [2, false]]);
    await gw.gateway.deployments.settle();
    expect(records(gw, 'orders').map((r) => r.revision)).toEqual([2]);
  });

  it('never takes over another proxy\'s base path, even with override', async () => {
    gw = await startGateway();
    await deploy(gw, 'a', await importRevision(gw, 'a', await mockBundle('a', '/shared', 'a')));
    const b = await importRevision(gw, 'b', await mockBundle('b', '/shared', 'b'));
    const refused = await deploy(gw, 'b', b, { override: true }).catch((e: unknown) => e);
    expect((refused as AdminError).message).toBe('Path /shared conflicts with existing deployment path for revision 1 of the APIProxy a in organization demo');
    expect(await revisionAt(`${gw.url()}/shared`)).toBe('a');
  });

  it('is idempotent for the revision already deployed, and moves it when the base path changes', async () => {
    gw = await startGateway();
    const r1 = await importRevision(gw, 'p', await mockBundle('p', '/p', 'one'));
    expect((await deploy(gw, 'p', r1)).changed).toBe(true);
    expect((await deploy(gw, 'p', r1)).changed).toBe(false);
    await deploy(gw, 'p', r1, { basePath: '/v2' });
    expect(await revisionAt(`${gw.url()}/v2/p`)).toBe('one');
    expect(await revisionAt(`${gw.url()}/p`)).toBe(404);
    expect(records(gw, 'p').map((r) => r.basePath)).toEqual(['/v2']);
  });

  it('keeps a revision at another base path deployed (a leftover revision, as on Apigee)', async () => {
    gw = await startGateway();
    const r1 = await importRevision(gw, 'p', await mockBundle('p', '/p', 'one'));
    const r2 = await importRevision(gw, 'p', await mockBundle('p', '/p', 'two'));
    await deploy(gw, 'p', r1, { basePath: '/v1' });
    const result = await deploy(gw, 'p', r2, { basePath: '/v2', override: true });
    expect(result.replaced).toEqual([]);
    expect(await revisionAt(`${gw.url()}/v1/p`)).toBe('one');
    expect(await revisionAt(`${gw.url()}/v2/p`)).toBe('two');
  });

  it('undeploys and answers 404 afterwards; undeploying again is RevisionNotDeployed', async () => {
    gw = await startGateway();
    const r1 = await importRevision(gw, 'p', await mockBundle('p', '/p', 'one'));
    await deploy(gw, 'p', r1);
    await gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api: 'p', revision: r1, user: 't' });
    expect(await revisionAt(`${gw.url()}/p`)).toBe(404);
    const again = await gw.gateway.deployments.undeploy({ organization: 'demo', environment: 'test', api: 'p', revision: r1, user: 't' }).catch((e: unknown) => e);
    expect((again as AdminError).code).toBe('distribution.RevisionNotDeployed');
  });

  it('serves exactly the acknowledged deployments after a restart, completing an undeploy pending in a delay window', async () => {
    gw = await startGateway();
    const dataDir = gw.dataDir;
    const r1 = await importRevision(gw, 'p', await mockBundle('p', '/p', 'one'));
    const r2 = await importRevision(gw, 'p', await mockBundle('p', '/p', 'two'));
    await deploy(gw, 'p', r1);
    // The delay must outlast a restart on a loaded machine, so that the restarted gateway still sees it pending.
    await deploy(gw, 'p', r2, { override: true, delaySeconds: 5 });
    await gw.gateway.close();
    gw = undefined;

    const restarted = await startGateway({ dataDir });
    try {
      expect(await revisionAt(`${restarted.url()}/p`)).toBe('two');
      expect(records(restarted, 'p').map((r) => r.revision)).toEqual([1, 2]);
      await restarted.gateway.deployments.settle();
      expect(records(restarted, 'p').map((r) => r.revision)).toEqual([2]);
    } finally {
      await restarted.close();
    }
    const third = await startGateway({ dataDir });
    try {
      expect(records(third, 'p').map((r) => r.revision)).toEqual([2]);
    } finally {
      await third.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
