// Test harness: the admin server on 127.0.0.1:0 over fake AdminDeps (AccessService with fixed users, a config,
// runtimes with referenced virtual hosts), so admin tests need neither the store nor the real access service.
import { Writable } from 'node:stream';
import { createMetrics } from '../../../src/metrics/create-metrics.js';
import pino from 'pino';
import type { AccessService } from '../../../src/access/access-service.js';
import type { Permission, Principal } from '../../../src/access/principal.js';
import type { AdminDeps } from '../../../src/admin/admin-deps.js';
import type { AdminRoutes } from '../../../src/admin/admin-routes.js';
import { createAdminServer, type AdminServer } from '../../../src/admin/create-admin-server.js';
import type { AuditEntry, AuditLog } from '../../../src/audit/audit-log.js';
import type { BatonConfig } from '../../../src/config.js';
import { defaultConfig } from '../../../src/config/default-config.js';
import type { EnvironmentRuntime } from '../../../src/deployments/environment-runtime.js';
import { AdminError } from '../../../src/errors.js';
import { adminClient, type AdminClient } from '../../helpers/admin-client.js';

type Grant = (permission: Permission, organization: string, environment?: string) => boolean;

interface FakeUser {
  readonly password: string;
  readonly isAdmin: boolean;
  readonly grant: Grant;
}

/** Fixed users: an admin of `demo`, a viewer of `demo`, a viewer of `demo`'s `test` environment only, and nobody. */
export const testUsers = {
  admin: { user: 'admin@baton.test', password: 'admin-pass' },
  viewer: { user: 'viewer@baton.test', password: 'viewer-pass' },
  testViewer: { user: 'tester@baton.test', password: 'tester-pass' },
  nobody: { user: 'nobody@baton.test', password: 'nobody-pass' },
} as const;

export const testToken = 'baton-test-token';

const users = new Map<string, FakeUser>([
  [testUsers.admin.user, { password: testUsers.admin.password, isAdmin: true, grant: (_p, org) => org === 'demo' }],
  [testUsers.viewer.user, { password: testUsers.viewer.password, isAdmin: false, grant: (p, org) => p === 'READ' && org === 'demo' }],
  [testUsers.testViewer.user, { password: testUsers.testViewer.password, isAdmin: false, grant: (p, org, env) => p === 'READ' && org === 'demo' && (env === undefined || env === 'test') }],
  [testUsers.nobody.user, { password: testUsers.nobody.password, isAdmin: false, grant: () => false }],
]);

function toPrincipal(user: string, fake: FakeUser, method: Principal['method']): Principal {
  return { user, method, isAdmin: fake.isAdmin, has: fake.grant };
}

/** Accepts the fixed users over Basic and `testToken` (as the admin) over Bearer; 400 for a malformed header. */
export function createFakeAccessService(): AccessService {
  const authenticate = async (authorization: string | undefined): Promise<Principal> => {
    if (authorization === undefined) throw new AdminError('Unauthorized');
    const [scheme = '', value = ''] = authorization.split(' ', 2);
    if (scheme.toLowerCase() === 'bearer') {
      if (value === testToken) return toPrincipal(testUsers.admin.user, users.get(testUsers.admin.user)!, 'bearer');
      throw new AdminError('Unauthorized');
    }
    if (scheme.toLowerCase() !== 'basic') throw new AdminError('Unauthorized');
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new AdminError('InvalidParameter', ['Malformed Basic credentials']);
    const user = decoded.slice(0, colon);
    const fake = users.get(user);
    if (!fake || fake.password !== decoded.slice(colon + 1)) throw new AdminError('Unauthorized');
    return toPrincipal(user, fake, 'basic');
  };
  return { authenticate } as Partial<AccessService> as AccessService;
}

export const testConfig: BatonConfig = {
  ...(defaultConfig as unknown as BatonConfig),
  dataDir: '/nonexistent',
  admin: { host: '127.0.0.1', port: 0, user: testUsers.admin.user },
  organizations: [
    {
      name: 'demo',
      displayName: 'Demo Org',
      properties: { 'features.isHTTPStatusTooManyRequestEnabled': 'true' },
      environments: [
        {
          name: 'test',
          description: 'Test environment',
          properties: { 'useSameSourceIpForTargets': 'false' },
          virtualHosts: [
            { name: 'default', port: 8080, host: '127.0.0.1', hostAliases: ['api.example.test', 'other.example.test'] },
            { name: 'secure', port: 8443, host: '127.0.0.1', hostAliases: ['api.example.test'], tls: { clientAuth: false, selfSigned: true } },
          ],
          targetServers: [],
        },
        {
          name: 'prod',
          description: '',
          properties: {},
          virtualHosts: [{ name: 'main', port: 9001, host: '0.0.0.0', hostAliases: [] }],
          targetServers: [],
        },
      ],
    },
    { name: 'other', displayName: 'Other', properties: {}, environments: [] },
  ],
};

/** Runtimes whose deployed ProxyEndpoints reference `virtualHosts` (by `org/env`). */
function createFakeRuntimes(referenced: Readonly<Record<string, readonly string[]>>): Map<string, EnvironmentRuntime> {
  const runtimes = new Map<string, EnvironmentRuntime>();
  for (const [key, virtualHosts] of Object.entries(referenced)) {
    const deployed = new Map([['orders/1', { compiled: { proxyEndpoints: [{ virtualHosts }] } }]]);
    runtimes.set(key, { deployed } as unknown as EnvironmentRuntime);
  }
  return runtimes;
}

export interface TestAdminServer {
  readonly server: AdminServer;
  readonly url: string;
  readonly port: number;
  /** A client as one of the fixed users (or without credentials). */
  client(user?: keyof typeof testUsers): AdminClient;
  readonly logs: Array<Record<string, unknown>>;
  readonly audit: AuditEntry[];
  close(): Promise<void>;
}

export const startedAt = 1_700_000_000_000;

export async function startTestAdminServer(options: { routes?: readonly AdminRoutes[]; bodyLimitBytes?: number; referencedVirtualHosts?: Readonly<Record<string, readonly string[]>> } = {}): Promise<TestAdminServer> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  }));
  const audit: AuditEntry[] = [];
  const auditLog: AuditLog = { record: async (entry) => void audit.push({ ...entry, time: startedAt }), list: () => audit };
  const deps: AdminDeps = {
    config: testConfig,
    store: {} as AdminDeps['store'],
    revisions: {} as AdminDeps['revisions'],
    deployments: {} as AdminDeps['deployments'],
    sharedFlows: {} as AdminDeps['sharedFlows'],
    promotions: {} as AdminDeps['promotions'],
    groups: {} as AdminDeps['groups'],
    targetServers: {} as AdminDeps['targetServers'],
    runtimes: createFakeRuntimes(options.referencedVirtualHosts ?? { 'demo/test': ['default', 'legacy'] }),
    access: createFakeAccessService(),
    developers: {} as AdminDeps['developers'],
    kvms: {} as AdminDeps['kvms'],
    audit: auditLog,
    boundPort: () => undefined,
    metrics: createMetrics({ leftoverRevisions: () => new Map(), deployedRevisions: () => new Map() }),
    logger,
    now: () => startedAt,
  };
  const server = await createAdminServer({
    host: '127.0.0.1',
    port: 0,
    readiness: () => ({ ready: true, problems: [] }),
    bodyLimitBytes: options.bodyLimitBytes ?? 15 * 1024 * 1024,
    deps,
    routes: options.routes ?? [],
  });
  return {
    server,
    url: server.url,
    port: Number(new URL(server.url).port),
    client: (user) => adminClient(server.url, user === undefined ? undefined : testUsers[user]),
    logs,
    audit,
    close: () => server.close(),
  };
}
