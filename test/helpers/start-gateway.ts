// Starts a real gateway on loopback port 0 with a temporary data directory, and cleans it all up.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { BatonConfig, EnvironmentConfig, TargetServerConfig } from '../../src/config.js';
import { defaultConfig } from '../../src/config/default-config.js';
import { createGateway, type Gateway, type WorkerOptions } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import type { DeploymentRecord } from '../../src/deployments/deployment-records.js';
import { adminClient, type AdminClient } from './admin-client.js';

export interface StartGatewayOptions {
  /** Target servers of every environment. */
  readonly targetServers?: readonly TargetServerConfig[];
  readonly revisionHeader?: boolean;
  readonly leftoverRevisions?: BatonConfig['deployments']['leftoverRevisions'];
  /** Deploy history records kept per environment (default 100). */
  readonly historyRetention?: number;
  readonly limits?: Partial<BatonConfig['limits']>;
  readonly timeouts?: Partial<BatonConfig['timeouts']>;
  /** Reuse a data directory (restart tests); it is then not removed on close. */
  readonly dataDir?: string;
  readonly samples?: boolean;
  readonly demoTargets?: boolean;
  /** Data-plane workers in their own processes (`exec`: a built worker entry, see buildWorkerEntry). */
  readonly workers?: WorkerOptions;
  /** Last word on the config, for what the options cannot express (e.g. a mutual TLS virtual host). */
  readonly customize?: (config: BatonConfig) => BatonConfig;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly dataDir: string;
  /** Base URL of a virtual host listener, e.g. `http://127.0.0.1:41234`. */
  url(environment?: string, virtualHost?: string): string;
  /** Imports a bundle zip as a new revision and deploys it. */
  deploy(api: string, zip: Uint8Array, options?: { environment?: string; basePath?: string }): Promise<DeploymentRecord>;
  /** Every log line the gateway wrote, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** A management API client signed in as the administrator (`admin@baton.test` / `test-password`). */
  readonly admin: AdminClient;
  close(): Promise<void>;
}

function environment(name: string, targetServers: readonly TargetServerConfig[]): EnvironmentConfig {
  return {
    name,
    description: name,
    properties: {},
    virtualHosts: [
      { name: 'default', port: 0, host: '127.0.0.1', hostAliases: ['localhost'] },
      { name: 'secure', port: 0, host: '127.0.0.1', hostAliases: ['localhost'], tls: { clientAuth: false, selfSigned: true } },
    ],
    targetServers,
  };
}

export async function startGateway(options: StartGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'baton-test-'));
  const targetServers = options.targetServers ?? [];
  const config: BatonConfig = {
    dataDir,
    admin: { host: '127.0.0.1', port: 0, user: 'admin@baton.test', password: 'test-password' },
    organizations: [{ name: 'demo', displayName: 'Demo', properties: {}, environments: [environment('test', targetServers), environment('prod', targetServers)] }],
    users: [],
    limits: { ...defaultConfig.limits, ...options.limits },
    timeouts: { ...defaultConfig.timeouts, shutdownGraceMs: 2_000, ...options.timeouts },
    dataplane: { revisionHeader: options.revisionHeader ?? true, xForwardedFor: true },
    deployments: { leftoverRevisions: options.leftoverRevisions ?? 'keep', historyRetention: options.historyRetention ?? defaultConfig.deployments.historyRetention },
    logging: { level: 'debug', accessLog: true, accessLogSampleRate: 1 },
    demoTargets: { enabled: options.demoTargets ?? false, host: '127.0.0.1', ports: [0, 0] },
    samples: { enabled: options.samples ?? false, dir: defaultConfig.samples.dir, deployTo: 'test' },
  };
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  // The production logger (its redaction included), so tests see exactly what an operator's log would hold.
  const logger = createLogger({ level: 'debug', destination: sink });
  const gateway = await createGateway(options.customize ? options.customize(config) : config, { logger, ...(options.workers ? { workers: options.workers } : {}) }).catch(async (err: unknown) => {
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    gateway,
    dataDir,
    logs,
    admin: adminClient(gateway.adminUrl, { user: 'admin@baton.test', password: 'test-password' }),
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
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
