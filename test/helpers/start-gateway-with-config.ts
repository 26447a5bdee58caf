// Starts a real gateway from a config the test shapes itself (virtual hosts startGateway cannot express, e.g. mutual TLS).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { BatonConfig } from '../../src/config.js';
import { defaultConfig } from '../../src/config/default-config.js';
import { createGateway } from '../../src/gateway.js';
import type { TestGateway } from './start-gateway.js';

/**
 * The config startGateway would use (organization `demo`, environment `test` with an http `default` virtual host,
 * port 0 everywhere), passed through `customize` before the gateway starts. The data directory is removed on close.
 */
export async function startGatewayWithConfig(customize: (config: BatonConfig) => BatonConfig): Promise<TestGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'baton-test-'));
  const base: BatonConfig = {
    dataDir,
    admin: { host: '127.0.0.1', port: 0, user: 'admin@baton.test', password: 'test-password' },
    organizations: [{
      name: 'demo',
      displayName: 'Demo',
      properties: {},
      environments: [{
        name: 'test',
        description: 'test',
        properties: {},
        virtualHosts: [{ name: 'default', port: 0, host: '127.0.0.1', hostAliases: ['localhost'] }],
        targetServers: [],
      }],
    }],
    users: [],
    limits: defaultConfig.limits,
    timeouts: { ...defaultConfig.timeouts, shutdownGraceMs: 2_000 },
    dataplane: { revisionHeader: true, xForwardedFor: true },
    logging: { level: 'debug', accessLog: true, accessLogSampleRate: 1 },
    demoTargets: { enabled: false, host: '127.0.0.1', ports: [0, 0] },
    samples: { enabled: false, dir: defaultConfig.samples.dir, deployTo: 'test' },
  };
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const gateway = await createGateway(customize(base), { logger: pino({ level: 'debug' }, sink) }).catch(async (err: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    gateway,
    dataDir,
    logs,
    url(env = 'test', vhost = 'default') {
      const listener = gateway.listeners.find((l) => l.environment === env && l.virtualHost === vhost);
      if (!listener) throw new Error(`no listener for ${env}/${vhost}`);
      return listener.url;
    },
    async deploy(api, zip, deployOptions = {}) {
      const record = await gateway.revisions.importRevision({ organization: 'demo', api, bytes: zip, user: 'test', validate: true });
      const result = await gateway.deployments.deploy({
        organization: 'demo', environment: deployOptions.environment ?? 'test', api, revision: record.revision, basePath: deployOptions.basePath, user: 'test',
      });
      return result.deployed;
    },
    async close() {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
