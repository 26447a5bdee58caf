// /healthz and /readyz of a real gateway: starting while deployments are restored, ready, degraded by store damage, stopping.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import type { BatonConfig } from '../../src/config.js';
import { defaultConfig } from '../../src/config/default-config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { createMemoryStore } from '../../src/store/create-memory-store.js';
import type { Store } from '../../src/store/store.js';
import { adminClient } from '../helpers/admin-client.js';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway, type TestGateway } from '../helpers/start-gateway.js';
import { createGatedHandler, startTarget, type StartedTarget } from '../helpers/start-target.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function toConfig(dataDir: string): BatonConfig {
  return {
    dataDir,
    admin: { host: '127.0.0.1', port: 0, user: 'admin@baton.test', password: 'test-password' },
    organizations: [{
      name: 'demo', displayName: 'Demo', properties: {},
      environments: [{ name: 'test', description: 'test', properties: {}, virtualHosts: [{ name: 'default', port: 0, host: '127.0.0.1', hostAliases: ['localhost'] }], targetServers: [] }],
    }],
    users: [],
    limits: { ...defaultConfig.limits },
    timeouts: { ...defaultConfig.timeouts, shutdownGraceMs: 10_000 },
    dataplane: { revisionHeader: false, xForwardedFor: true },
    deployments: { leftoverRevisions: 'keep', historyRetention: 100 },
    logging: { level: 'info', accessLog: false, accessLogSampleRate: 0 },
    demoTargets: { enabled: false, host: '127.0.0.1', ports: [] },
    samples: { enabled: false, dir: defaultConfig.samples.dir, deployTo: 'test' },
  };
}

/** A logger whose `admin API listening` line resolves `adminUrl`: the admin port is up before createGateway resolves. */
function watchAdminUrl(): { logger: ReturnType<typeof createLogger>; adminUrl: Promise<string> } {
  let resolveUrl: (url: string) => void = () => {};
  const adminUrl = new Promise<string>((resolve) => (resolveUrl = resolve));
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text === '') continue;
        const line = JSON.parse(text) as { msg?: string; url?: string };
        if (line.msg === 'admin API listening' && line.url) resolveUrl(line.url);
      }
      callback();
    },
  });
  return { logger: createLogger({ level: 'info', destination: sink }), adminUrl };
}

async function readiness(adminUrl: string): Promise<{ status: number; body: { status: string; problems: string[] } }> {
  const res = await request(`${adminUrl}/readyz`);
  return { status: res.statusCode, body: (await res.body.json()) as { status: string; problems: string[] } };
}

describe('readiness', () => {
  it('is starting until the stored deployments are restored and the listeners are up, answering only probes meanwhile', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'baton-readiness-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const gate = createGatedHandler();
    const target: StartedTarget = await startTarget(gate.handler);
    cleanups.push(() => target.close());
    const store = createMemoryStore();
    const first = await createGateway(toConfig(dataDir), { logger: watchAdminUrl().logger, store });
    const record = await first.revisions.importRevision({
      organization: 'demo', api: 'held', user: 't', validate: true,
      bytes: await packProxy({ name: 'held', basePath: '/held', targetEndpoint: toUrlConnection(target.url, { 'io.timeout.millis': '30000' }) }),
    });
    await first.deployments.deploy({ organization: 'demo', environment: 'test', api: 'held', revision: record.revision, user: 't' });
    await first.close();

    // The restart reads the bundle from the store to restore the deployment: hold that read.
    let releaseRestore: () => void = () => {};
    const restoreGate = new Promise<void>((resolve) => (releaseRestore = resolve));
    const heldStore: Store = { ...store, getBlob: async (sha256) => { await restoreGate; return store.getBlob(sha256); } };
    const watched = watchAdminUrl();
    const starting = createGateway(toConfig(dataDir), { logger: watched.logger, store: heldStore });
    const adminUrl = await watched.adminUrl;

    expect(await readiness(adminUrl)).toEqual({ status: 503, body: { status: 'starting', problems: [] } });
    expect((await request(`${adminUrl}/healthz`)).statusCode).toBe(200);
    expect((await request(`${adminUrl}/metrics`)).statusCode).toBe(200);
    const refused = await adminClient(adminUrl, { user: 'admin@baton.test', password: 'test-password' }).get('/v1/organizations/demo/apis');
    expect(refused.status).toBe(503);
    expect(refused.json()).toMatchObject({ code: 'baton.GatewayStarting' });

    releaseRestore();
    const gateway: Gateway = await starting;
    cleanups.push(() => gateway.close());
    expect(await readiness(adminUrl)).toEqual({ status: 200, body: { status: 'ready', problems: [] } });

    // Shutting down: not ready from the first moment, while in-flight requests finish.
    const inflight = request(`${gateway.listeners[0]!.url}/held/x`);
    await target.waitForRequests(1);
    const closing = gateway.close();
    expect(await readiness(adminUrl)).toEqual({ status: 503, body: { status: 'stopping', problems: [] } });
    gate.release();
    expect((await inflight).statusCode).toBe(200);
    await closing;
  });

  describe('with a store that finds damage', () => {
    let gw: TestGateway;

    it('turns degraded, naming the corrupt blob, as soon as the store reads it', async () => {
      gw = await startGateway();
      cleanups.push(() => gw.close());
      await gw.deploy('damaged', await packProxy({ name: 'damaged', basePath: '/damaged', proxyEndpoint: '<RouteRule name="none"/>' }));
      expect(await readiness(gw.gateway.adminUrl)).toEqual({ status: 200, body: { status: 'ready', problems: [] } });

      const sha256 = gw.gateway.revisions.getRevision('demo', 'damaged', 1)!.sha256;
      await writeFile(join(gw.dataDir, 'store', 'blobs', sha256), 'not the bundle any more');
      const exported = await gw.admin.get('/v1/organizations/demo/apis/damaged/revisions/1?format=bundle');
      expect(exported.status).toBeGreaterThanOrEqual(500);

      const ready = await readiness(gw.gateway.adminUrl);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.problems).toEqual([expect.stringContaining(`blob ${sha256} is corrupt`)]);
      // Liveness is unaffected, and the revision already compiled keeps serving.
      expect((await request(`${gw.gateway.adminUrl}/healthz`)).statusCode).toBe(200);
      expect((await request(`${gw.url()}/damaged`)).statusCode).toBe(200);
    });
  });
});
