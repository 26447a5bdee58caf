import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../../src/bundle/parse-bundle.js';
import { packBundleDir } from '../../../src/bundle/pack-bundle-dir.js';
import { readBundleDir } from '../../../src/bundle/read-bundle-dir.js';
import { readBundleZip } from '../../../src/bundle/read-bundle-zip.js';
import { defaultCliDeps, runCli, type BundleTools, type CliDeps, type CliIo } from '../../../src/cli.js';
import type { BatonConfig } from '../../../src/config.js';
import { createPolicyRegistry } from '../../../src/policies/policy-registry.js';
import { makeTempDir } from '../../helpers/make-temp-dir.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  served: BatonConfig[];
}

/** Bundle modules as they are, with an empty policy registry so these tests do not depend on every policy type. */
const bundleTools: BundleTools = {
  readBundleDir: (dir) => readBundleDir(dir),
  readBundleZip: (bytes) => readBundleZip(bytes),
  parseBundle,
  packBundleDir,
  createDefaultPolicyRegistry: () => createPolicyRegistry([]),
};

async function run(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  const result: Run = { code: -1, stdout: '', stderr: '', served: [] };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    env: options.env ?? {},
    cwd: options.cwd ?? tmpdir(),
  };
  const deps: CliDeps = {
    runServe: async (config) => void result.served.push(config),
    loadBundleTools: async () => bundleTools,
  };
  result.code = await runCli(argv, io, deps);
  return result;
}

/** Writes a one-proxy bundle folder `<tmp>/<name>/apiproxy`; `policy` adds a policy file of an unregistered type. */
function writeBundle(name: string, options: { policy?: boolean } = {}): { root: string; dir: string } {
  const root = makeTempDir('baton-cli-');
  const dir = join(root, name);
  mkdirSync(join(dir, 'apiproxy', 'proxies'), { recursive: true });
  mkdirSync(join(dir, 'apiproxy', 'targets'), { recursive: true });
  writeFileSync(join(dir, 'apiproxy', `${name}.xml`), `<APIProxy name="${name}"/>`);
  const step = options.policy ? '<PreFlow><Request><Step><Name>Bogus</Name></Step></Request></PreFlow>' : '';
  writeFileSync(
    join(dir, 'apiproxy', 'proxies', 'default.xml'),
    `<ProxyEndpoint name="default">${step}<HTTPProxyConnection><BasePath>/${name}</BasePath></HTTPProxyConnection>` +
      '<RouteRule name="r"><TargetEndpoint>default</TargetEndpoint></RouteRule></ProxyEndpoint>',
  );
  writeFileSync(join(dir, 'apiproxy', 'targets', 'default.xml'), '<TargetEndpoint name="default"><HTTPTargetConnection><URL>http://127.0.0.1:9101</URL></HTTPTargetConnection></TargetEndpoint>');
  if (options.policy) {
    mkdirSync(join(dir, 'apiproxy', 'policies'));
    writeFileSync(join(dir, 'apiproxy', 'policies', 'Bogus.xml'), '<NoSuchPolicy name="Bogus"/>');
  }
  return { root, dir };
}

describe('baton global options', () => {
  it('prints usage for --help and the package version for --version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('baton serve');
    expect(help.stdout).toContain('baton bundle validate');
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version.stdout).toBe(`${manifest.version}\n`);
  });

  it('exits 2 with usage on stderr for an unknown or missing command', async () => {
    for (const argv of [['frobnicate'], [], ['bundle'], ['bundle', 'explode']]) {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^baton: (unknown|missing) /);
      expect(result.stderr).toContain('Usage:');
    }
  });

  it('exits 2 for an unknown option or a wrong number of arguments', async () => {
    expect((await run(['serve', '--port', '1'])).code).toBe(2);
    expect((await run(['bundle', 'validate'])).code).toBe(2);
    expect((await run(['bundle', 'validate', 'a', 'b'])).code).toBe(2);
  });
});

describe('baton serve', () => {
  it('loads the configuration and hands it to runServe', async () => {
    const cwd = makeTempDir('baton-cli-');
    writeFileSync(join(cwd, 'baton.json'), JSON.stringify({ admin: { port: 9600 } }));
    const result = await run(['serve', '--config', 'baton.json', '--data-dir', 'state'], { cwd, env: { BATON_DATA_DIR: '/ignored' } });
    expect(result.code).toBe(0);
    expect(result.served).toHaveLength(1);
    expect(result.served[0]!.admin.port).toBe(9600);
    expect(result.served[0]!.dataDir).toBe(join(cwd, 'state'));
  });

  it('--workers: an integer 1-64 handed to runServe, 1 by default; anything else is a usage error', async () => {
    const cwd = makeTempDir('baton-cli-');
    const workers: number[] = [];
    const deps = { ...defaultCliDeps, runServe: async (_config: unknown, options: { workers: number }) => void workers.push(options.workers) };
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd };
    expect(await runCli(['serve', '--workers', '2'], io, deps)).toBe(0);
    expect(await runCli(['serve'], io, deps)).toBe(0);
    expect(workers).toEqual([2, 1]);
    for (const bad of ['0', '65', 'two', '1.5', '-1']) expect(await runCli(['serve', `--workers=${bad}`], io, deps)).toBe(2);
    expect(workers).toEqual([2, 1]);
  });

  it('uses BATON_CONFIG and defaults without --config', async () => {
    const cwd = makeTempDir('baton-cli-');
    writeFileSync(join(cwd, 'env.json'), JSON.stringify({ admin: { port: 9700 } }));
    expect((await run(['serve'], { cwd, env: { BATON_CONFIG: 'env.json' } })).served[0]!.admin.port).toBe(9700);
    expect((await run(['serve'], { cwd })).served[0]!.admin.port).toBe(9000);
  });

  it('prints every configuration problem and exits 1 without serving', async () => {
    const result = await run(['serve'], { env: { BATON_ADMIN_PORT: '80a', BATON_LOG_LEVEL: 'loud' } });
    expect(result.code).toBe(1);
    expect(result.served).toEqual([]);
    expect(result.stderr).toContain('BATON_ADMIN_PORT: expected an integer 0-65535, got "80a"');
    expect(result.stderr).toContain('BATON_LOG_LEVEL: expected one of');
  });
});

describe('baton bundle validate', () => {
  it('accepts a valid bundle folder, its apiproxy folder and its zip', async () => {
    const { root, dir } = writeBundle('hello');
    const fromDir = await run(['bundle', 'validate', dir]);
    expect(fromDir).toMatchObject({ code: 0, stderr: '' });
    expect(fromDir.stdout).toContain('valid bundle hello');
    expect((await run(['bundle', 'validate', 'hello/apiproxy'], { cwd: root })).stdout).toContain('valid bundle hello');
    const zip = join(root, 'hello.zip');
    writeFileSync(zip, await packBundleDir(dir));
    expect(await run(['bundle', 'validate', zip])).toMatchObject({ code: 0, stderr: '' });
  });

  it('loads the real bundle modules and default policy registry by default', async () => {
    const tools = await defaultCliDeps.loadBundleTools();
    expect(tools.createDefaultPolicyRegistry().supportedTypes.length).toBeGreaterThan(0);
    const { dir } = writeBundle('hello');
    const { bundle, problems } = tools.parseBundle(await tools.readBundleDir(dir), { registry: tools.createDefaultPolicyRegistry(), apiName: 'hello' });
    expect(problems).toEqual([]);
    expect(bundle.proxyEndpoints).toHaveLength(1);
  });

  it('prints each problem as file: message and exits 1', async () => {
    const { dir } = writeBundle('broken', { policy: true });
    const result = await run(['bundle', 'validate', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^policies\/Bogus\.xml: .*NoSuchPolicy/m);
  });

  it('exits 1 for a file that is not a bundle and for a missing path', async () => {
    const root = makeTempDir('baton-cli-');
    writeFileSync(join(root, 'junk.zip'), 'not a zip');
    const junk = await run(['bundle', 'validate', 'junk.zip'], { cwd: root });
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^\S+: /);
    const missing = await run(['bundle', 'validate', 'absent'], { cwd: root });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
  });
});

describe('baton bundle pack', () => {
  it('writes a zip that reads back as the same bundle', async () => {
    const { root, dir } = writeBundle('hello');
    const result = await run(['bundle', 'pack', 'hello', '-o', 'out.zip'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote out.zip');
    const files = await readBundleZip(readFileSync(join(root, 'out.zip')));
    expect([...files.keys()].sort()).toEqual([...(await readBundleDir(dir)).keys()].sort());
  });

  it('requires -o', async () => {
    const { root } = writeBundle('hello');
    const result = await run(['bundle', 'pack', 'hello'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-o <zip>');
    expect(existsSync(join(root, 'hello.zip'))).toBe(false);
  });
});
