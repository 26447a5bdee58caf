// Expired personal access tokens are refused: a real gateway whose clock the test moves forward.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonConfig } from '../../src/config.js';
import { defaultConfig } from '../../src/config/default-config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { adminClient, type AdminClient } from '../helpers/admin-client.js';

const dayMs = 24 * 60 * 60 * 1000;

// startGateway() has no clock option, so this file builds its gateway with one (deps.now).
describe('token expiry', () => {
  let dataDir: string;
  let gateway: Gateway;
  let admin: AdminClient;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'baton-test-'));
    const config: BatonConfig = {
      dataDir,
      admin: { host: '127.0.0.1', port: 0, user: 'admin@baton.test', password: 'test-password' },
      organizations: [{
        name: 'demo',
        displayName: 'Demo',
        properties: {},
        environments: [{ name: 'test', description: 'test', properties: {}, virtualHosts: [{ name: 'default', port: 0, host: '127.0.0.1', hostAliases: ['localhost'] }], targetServers: [] }],
      }],
      users: [],
      limits: defaultConfig.limits,
      timeouts: { ...defaultConfig.timeouts, shutdownGraceMs: 2_000 },
      dataplane: { revisionHeader: true, xForwardedFor: true },
      deployments: { leftoverRevisions: 'keep', historyRetention: 100 },
      logging: { level: 'info', accessLog: false, accessLogSampleRate: 1 },
      demoTargets: { enabled: false, host: '127.0.0.1', ports: [0, 0] },
      samples: { enabled: false, dir: defaultConfig.samples.dir, deployTo: 'test' },
    };
    gateway = await createGateway(config, { logger: pino({ level: 'silent' }), now: () => Date.now() + clockOffsetMs });
    admin = adminClient(gateway.adminUrl, { user: 'admin@baton.test', password: 'test-password' });
  });
  afterAll(async () => {
    await gateway?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a token once its expiresAt has passed, and still lists it', async () => {
    const response = await admin.post('/v1/users/admin@baton.test/tokens', { json: { name: 'short', expiresInDays: 1 } });
    expect(response.status, response.text()).toBe(201);
    const { token, expiresAt } = response.json<{ token: string; expiresAt: number }>();
    const bearer = adminClient(gateway.adminUrl, { token });
    expect((await bearer.get('/v1/organizations/demo')).status).toBe(200);

    clockOffsetMs = dayMs - 60_000;
    expect((await bearer.get('/v1/organizations/demo')).status).toBe(200);

    clockOffsetMs = dayMs + 1;
    const expired = await bearer.get('/v1/organizations/demo');
    expect(expired.status).toBe(401);
    expect(expired.json()).toEqual({ code: 'security.Unauthorized', message: expect.any(String), contexts: [] });
    expect(expired.headers['www-authenticate']).toBe('Basic realm="Baton", Bearer realm="Baton"');
    // Still listed, so its owner can see why it fails.
    expect((await admin.get('/v1/users/admin@baton.test/tokens')).json()).toEqual([
      { name: 'short', createdAt: expect.any(Number), expiresAt, lastUsedAt: expect.any(Number) },
    ]);
  });
});
