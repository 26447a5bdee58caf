import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { makeTempDir } from '../../helpers/make-temp-dir.js';
import { configProblems } from './config-problems.js';

const baseDir = '/srv/baton';

/** The problems parseConfig reports for `raw`, or [] when it accepts it. */
const problemsOf = (raw: unknown, env: NodeJS.ProcessEnv = {}): readonly string[] => configProblems(raw, env, baseDir);

function oneEnvironment(environment: Record<string, unknown>): unknown {
  return { organizations: [{ name: 'acme', environments: [{ name: 'prod', ...environment }] }], samples: { deployTo: 'prod' } };
}

describe('parseConfig defaults', () => {
  const config = parseConfig(undefined, {}, baseDir);

  it('runs the demo organization with test and prod environments', () => {
    expect(config.organizations.map((o) => o.name)).toEqual(['demo']);
    const [test, prod] = config.organizations[0]!.environments;
    expect(test!.name).toBe('test');
    expect(test!.virtualHosts.map((v) => [v.name, v.port, v.host, Boolean(v.tls)])).toEqual([
      ['default', 9001, '127.0.0.1', false],
      ['secure', 9443, '127.0.0.1', true],
    ]);
    expect(test!.virtualHosts[1]!.tls).toEqual({ clientAuth: false, selfSigned: true });
    expect(test!.virtualHosts[0]!.hostAliases).toEqual(['localhost']);
    expect(prod!.virtualHosts.map((v) => v.port)).toEqual([9002, 9444]);
    for (const environment of [test!, prod!]) {
      expect(environment.targetServers.map((t) => [t.name, t.host, t.port, t.enabled])).toEqual([
        ['demo-a', '127.0.0.1', 9101, true],
        ['demo-b', '127.0.0.1', 9102, true],
      ]);
    }
  });

  it('has the documented limits, timeouts and switches', () => {
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 9000, user: 'admin@baton.local' });
    expect(config.admin.password).toBeUndefined();
    expect(config.limits).toEqual({ maxRequestHeaders: 100, maxRequestLineBytes: 7168, maxBufferedBodyBytes: 10 * 1024 * 1024, maxBundleBytes: 15 * 1024 * 1024, maxRateLimitIdentifiersPerPolicy: 10_000 });
    expect(config.timeouts).toEqual({ shutdownGraceMs: 10000, headersTimeoutMs: 15000, requestTimeoutMs: 60000, keepAliveTimeoutMs: 65000, drainCeilingMs: 60000 });
    expect(config.dataplane).toEqual({ revisionHeader: false, xForwardedFor: true, trustedProxies: [] });
    expect(config.logging).toEqual({ level: 'info', accessLog: true, accessLogSampleRate: 1 });
    expect(config.demoTargets).toEqual({ enabled: true, host: '127.0.0.1', ports: [9101, 9102] });
    expect(config.users).toEqual([]);
  });

  it('resolves the data directory against the working directory and samples from the package', () => {
    expect(config.dataDir).toBe('/srv/baton/data');
    expect(parseConfig(undefined, {}, '/etc/baton', '/home/op').dataDir).toBe('/home/op/data');
    expect(config.samples.enabled).toBe(true);
    expect(config.samples.deployTo).toBe('test');
    expect(config.samples.dir).toMatch(/[/\\]bundles$/);
    expect(existsSync(config.samples.dir)).toBe(true);
    expect(parseConfig(undefined, {}, '/elsewhere').samples.dir).toBe(config.samples.dir);
  });

  it('freezes the whole result', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.organizations[0]!.environments[0]!.virtualHosts[0]!.hostAliases)).toBe(true);
    expect(Object.isFrozen(config.demoTargets.ports)).toBe(true);
    expect(() => {
      (config.admin as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('parseConfig file values', () => {
  it('merges sections key by key and replaces arrays', () => {
    const config = parseConfig({ admin: { port: 9100 }, limits: { maxRequestHeaders: 50 }, demoTargets: { ports: [9201] } }, {}, baseDir);
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 9100, user: 'admin@baton.local' });
    expect(config.limits.maxRequestHeaders).toBe(50);
    expect(config.limits.maxBundleBytes).toBe(15 * 1024 * 1024);
    expect(config.demoTargets.ports).toEqual([9201]);
  });

  it('reads organizations, properties and target server SSL', () => {
    const config = parseConfig(
      {
        organizations: [
          {
            name: 'acme',
            properties: { 'features.isHTTPStatusTooManyRequestEnabled': true, constructor: 'x' },
            environments: [
              {
                name: 'prod',
                description: 'Production',
                virtualHosts: [{ name: 'default', port: 8080, host: '0.0.0.0', hostAliases: ['api.acme.example'] }],
                targetServers: [{ name: 'orders', host: 'orders.internal', port: 8443, ssl: {} }, { name: 'legacy', host: '10.0.0.5', port: 80, enabled: false }],
              },
            ],
          },
        ],
        samples: { enabled: false },
      },
      {},
      baseDir,
    );
    const organization = config.organizations[0]!;
    expect(organization.displayName).toBe('acme');
    expect(organization.properties['features.isHTTPStatusTooManyRequestEnabled']).toBe('true');
    expect(organization.properties.constructor).toBe('x');
    expect(Object.getPrototypeOf(organization.properties)).toBeNull();
    const environment = organization.environments[0]!;
    expect(environment.virtualHosts[0]).toEqual({ name: 'default', port: 8080, host: '0.0.0.0', hostAliases: ['api.acme.example'] });
    expect(environment.targetServers).toEqual([
      { name: 'orders', host: 'orders.internal', port: 8443, enabled: true, ssl: { enabled: true, ignoreValidationErrors: false } },
      { name: 'legacy', host: '10.0.0.5', port: 80, enabled: false },
    ]);
  });

  it('reports a bad port with its JSON path and the value', () => {
    const problems = problemsOf(oneEnvironment({ virtualHosts: [{ name: 'default', port: '80a' }] }));
    expect(problems).toEqual(['organizations.acme.environments.prod.virtualHosts.default.port: expected an integer 0-65535, got "80a"']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      admin: { prot: 9000 },
      limits: { maxRequestHeaders: 0 },
      timeouts: { drainCeilingMs: -1 },
      logging: { level: 'verbose', accessLogSampleRate: 2 },
      dataplane: { revisionHeader: 'yes' },
      organizations: [{ name: 'bad name', environments: [{ name: 'prod', virtualHosts: [{ name: 'default', port: 70000 }] }] }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'admin.prot: unknown key (expected one of host, port, user, password)',
        'limits.maxRequestHeaders: expected an integer >= 1, got 0',
        'timeouts.drainCeilingMs: expected an integer >= 1, got -1',
        'logging.level: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
        'logging.accessLogSampleRate: expected a number 0-1, got 2',
        'dataplane.revisionHeader: expected true or false, got "yes"',
        `organizations[0].name: expected a name of letters, digits, '.', '_' or '-', got "bad name"`,
        'organizations[0].environments.prod.virtualHosts.default.port: expected an integer 0-65535, got 70000',
        'samples.deployTo: no environment named "test" in organization "bad name"',
      ]),
    );
    expect(problems).toHaveLength(9);
  });

  it('flags misspelt keys at every level', () => {
    const problems = problemsOf({
      dataplan: {},
      ...(oneEnvironment({ virtualHosts: [{ name: 'default', port: 8080, hostAlias: ['x'] }], targetServers: [{ name: 't', host: 'h', port: 1, sll: {} }] }) as object),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dataplan: unknown key/),
        expect.stringMatching(/^organizations\.acme\.environments\.prod\.virtualHosts\.default\.hostAlias: unknown key/),
        expect.stringMatching(/^organizations\.acme\.environments\.prod\.targetServers\.t\.sll: unknown key/),
      ]),
    );
  });

  it('rejects duplicate names and empty lists', () => {
    const problems = problemsOf({
      organizations: [
        { name: 'acme', environments: [{ name: 'prod', virtualHosts: [{ name: 'a', port: 8080 }, { name: 'a', port: 8081 }], targetServers: [{ name: 't', host: 'h', port: 1 }, { name: 't', host: 'h', port: 2 }] }, { name: 'prod', virtualHosts: [{ name: 'a', port: 8082 }] }] },
        { name: 'acme', environments: [] },
        { name: 'empty', environments: [{ name: 'e', virtualHosts: [] }] },
      ],
      samples: { deployTo: 'prod' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'organizations.acme.environments.prod.virtualHosts: duplicate virtual host name "a"',
        'organizations.acme.environments.prod.targetServers: duplicate target server name "t"',
        'organizations.acme.environments: duplicate environment name "prod"',
        'organizations: duplicate organization name "acme"',
        'organizations.acme.environments: expected at least one environment',
        'organizations.empty.environments.e.virtualHosts: expected at least one virtual host',
      ]),
    );
    expect(problemsOf({ organizations: [] })).toContain('organizations: expected at least one organization');
    expect(problemsOf({ organizations: [{ name: 'acme' }] })).toContain('organizations.acme.environments: expected an array, got nothing');
  });

  it('requires target server host and port', () => {
    expect(problemsOf(oneEnvironment({ virtualHosts: [{ name: 'default', port: 8080 }], targetServers: [{ name: 't' }] }))).toEqual([
      'organizations.acme.environments.prod.targetServers.t.host: expected a host name or IP address, got nothing',
      'organizations.acme.environments.prod.targetServers.t.port: expected an integer 1-65535, got nothing',
    ]);
  });

  it('rejects hosts that are not a host name or address', () => {
    const problems = problemsOf({ admin: { host: 'http://0.0.0.0' }, demoTargets: { host: 'a b' } });
    expect(problems).toEqual(['admin.host: expected a host name or IP address, got "http://0.0.0.0"', 'demoTargets.host: expected a host name or IP address, got "a b"']);
    expect(problemsOf({ admin: { host: '::1' } })).toEqual([]);
  });

  it('checks that the samples environment exists in the first organization', () => {
    expect(problemsOf({ samples: { deployTo: 'qa' } })).toEqual(['samples.deployTo: no environment named "qa" in organization "demo"']);
    expect(problemsOf({ samples: { deployTo: 'qa', enabled: false } })).toEqual([]);
    expect(problemsOf({ samples: { dir: 'nope' } })).toEqual(['samples.dir: directory not found: /srv/baton/nope']);
  });

  it('refuses headersTimeoutMs above requestTimeoutMs, which node:http rejects', () => {
    expect(problemsOf({ timeouts: { headersTimeoutMs: 70000 } })).toEqual(['timeouts.headersTimeoutMs: must not exceed timeouts.requestTimeoutMs (60000), got 70000']);
  });

  it('rejects a root that is not an object', () => {
    expect(problemsOf([])).toEqual(['(root): expected an object, got an array']);
  });
});

describe('parseConfig listener conflicts', () => {
  it('rejects two listeners on one host and port, across environments and components', () => {
    const problems = problemsOf({
      admin: { port: 9001 },
      demoTargets: { ports: [9444, 9102] },
    });
    expect(problems).toEqual([
      'organizations.demo.environments.test.virtualHosts.default: 127.0.0.1:9001 is also used by admin.port (127.0.0.1:9001)',
      'demoTargets.ports[0]: 127.0.0.1:9444 is also used by organizations.demo.environments.prod.virtualHosts.secure (127.0.0.1:9444)',
    ]);
  });

  it('treats a wildcard bind as taking the port on every address', () => {
    expect(problemsOf({ admin: { host: '0.0.0.0', port: 9101 } })).toEqual(['demoTargets.ports[0]: 127.0.0.1:9101 is also used by admin.port (0.0.0.0:9101)']);
    expect(problemsOf({ admin: { host: '127.0.0.2', port: 9101 } })).toEqual([]);
  });

  it('ignores demo target ports when demo targets are disabled', () => {
    expect(problemsOf({ admin: { port: 9101 }, demoTargets: { enabled: false } })).toEqual([]);
  });
});

describe('parseConfig TLS', () => {
  /** A fresh directory holding cert.pem, key.pem and ca.pem. */
  function writeTlsFiles(): string {
    const dir = makeTempDir('baton-config-');
    writeFileSync(join(dir, 'cert.pem'), 'cert');
    writeFileSync(join(dir, 'key.pem'), 'key');
    writeFileSync(join(dir, 'ca.pem'), 'ca');
    return dir;
  }
  const withTls = (tls: unknown) => ({ ...(oneEnvironment({ virtualHosts: [{ name: 'secure', port: 8443, tls }] }) as object) });

  it('resolves certificate files against the base directory', () => {
    const dir = writeTlsFiles();
    const config = parseConfig(withTls({ certFile: 'cert.pem', keyFile: 'key.pem', caFile: 'ca.pem', clientAuth: true, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' }), {}, dir);
    expect(config.organizations[0]!.environments[0]!.virtualHosts[0]!.tls).toEqual({
      certFile: join(dir, 'cert.pem'),
      keyFile: join(dir, 'key.pem'),
      caFile: join(dir, 'ca.pem'),
      clientAuth: true,
      selfSigned: false,
      ciphers: 'TLS_AES_256_GCM_SHA384',
      minVersion: 'TLSv1.3',
    });
  });

  it('reports missing files, a lone cert and contradictory flags', () => {
    const path = 'organizations.acme.environments.prod.virtualHosts.secure.tls';
    const dir = writeTlsFiles();
    const lone = configProblems(withTls({ certFile: 'missing.pem', clientAuth: true, minVersion: 'TLSv1' }), {}, dir);
    expect(lone).toEqual([
      `${path}.certFile: file not found: ${join(dir, 'missing.pem')}`,
      `${path}: expected certFile and keyFile together, or neither (for a self-signed certificate)`,
      `${path}.clientAuth: requires caFile (the CA that signs client certificates)`,
      `${path}.minVersion: expected one of TLSv1.2, TLSv1.3, got "TLSv1"`,
    ]);
    expect(problemsOf(withTls({ selfSigned: false }))).toEqual([`${path}.selfSigned: is false, so certFile and keyFile are required`]);
  });
});

describe('parseConfig environment overrides', () => {
  it('applies every documented variable over file values', () => {
    const config = parseConfig(
      { admin: { host: '127.0.0.1', port: 9000, user: 'file@example.com' }, logging: { level: 'warn' } },
      {
        BATON_DATA_DIR: 'state',
        BATON_ADMIN_HOST: '0.0.0.0',
        BATON_ADMIN_PORT: '9500',
        BATON_ADMIN_USER: 'ops@example.com',
        BATON_ADMIN_PASSWORD: 's3cret',
        BATON_DATAPLANE_HOST: '0.0.0.0',
        BATON_REVISION_HEADER: 'true',
        BATON_LOG_LEVEL: 'debug',
      },
      '/etc/baton',
      '/home/op',
    );
    expect(config.dataDir).toBe('/home/op/state');
    expect(config.admin).toEqual({ host: '0.0.0.0', port: 9500, user: 'ops@example.com', password: 's3cret' });
    expect(config.organizations[0]!.environments.flatMap((e) => e.virtualHosts.map((v) => v.host))).toEqual(['0.0.0.0', '0.0.0.0', '0.0.0.0', '0.0.0.0']);
    expect(config.dataplane.revisionHeader).toBe(true);
    expect(config.logging.level).toBe('debug');
  });

  it('accepts the Docker image settings', () => {
    expect(problemsOf(undefined, { BATON_DATA_DIR: '/data', BATON_ADMIN_HOST: '0.0.0.0', BATON_DATAPLANE_HOST: '0.0.0.0' })).toEqual([]);
  });

  it('validates environment values like file values, naming the variable', () => {
    expect(problemsOf(undefined, { BATON_ADMIN_PORT: '80a', BATON_REVISION_HEADER: 'maybe', BATON_LOG_LEVEL: 'loud', BATON_DATAPLANE_HOST: 'a b', BATON_ADMIN_USER: 'nobody' })).toEqual([
      'BATON_DATAPLANE_HOST: expected a host name or IP address, got "a b"',
      'BATON_ADMIN_PORT: expected an integer 0-65535, got "80a"',
      'BATON_ADMIN_USER: expected an email address, got "nobody"',
      'BATON_REVISION_HEADER: expected true or false, got "maybe"',
      'BATON_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
    expect(problemsOf(undefined, { BATON_ADMIN_PORT: '70000' })).toEqual(['BATON_ADMIN_PORT: expected an integer 0-65535, got 70000']);
  });

  it('counts an environment override in listener conflicts', () => {
    expect(problemsOf(undefined, { BATON_ADMIN_PORT: '9002' })).toEqual([
      'organizations.demo.environments.prod.virtualHosts.default: 127.0.0.1:9002 is also used by BATON_ADMIN_PORT (127.0.0.1:9002)',
    ]);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig(undefined, { BATON_ADMIN_PORT: '', BATON_ADMIN_PASSWORD: '' }, baseDir).admin).toEqual({ host: '127.0.0.1', port: 9000, user: 'admin@baton.local' });
  });
});

describe('parseConfig users', () => {
  it('reads users with roles in configured organizations', () => {
    const config = parseConfig({ users: [{ email: 'ann@example.com', passwordHash: 'scrypt$x', firstName: 'Ann', roles: [{ org: 'demo', role: 'orgadmin' }] }] }, {}, baseDir);
    expect(config.users).toEqual([{ email: 'ann@example.com', passwordHash: 'scrypt$x', firstName: 'Ann', roles: [{ org: 'demo', role: 'orgadmin' }] }]);
  });

  it('reports bad emails, credentials, roles and duplicates without echoing passwords', () => {
    const problems = problemsOf({
      users: [
        { email: 'ann@example.com', password: 'a', roles: [{ org: 'nope', role: 'admin' }] },
        { email: 'ANN@example.com', password: 'a', passwordHash: 'h', roles: [] },
        { email: 'bob', password: 12345678, roles: [{ org: 'demo' }] },
      ],
    });
    expect(problems).toEqual([
      'users["ann@example.com"].roles[0].org: no organization named "nope"',
      'users["ANN@example.com"]: expected exactly one of password and passwordHash',
      'users.bob.email: expected an email address, got "bob"',
      'users.bob.password: expected a non-empty string',
      `users.bob.roles[0].role: expected a name of letters, digits, '.', '_' or '-', got nothing`,
      'users: duplicate user email "ANN@example.com"',
    ]);
    expect(problems.join('\n')).not.toContain('12345678');
  });
});
