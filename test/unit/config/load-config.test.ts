import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';
import { makeTempDir } from '../../helpers/make-temp-dir.js';

function makeConfigDir(): string {
  const dir = makeTempDir('baton-load-config-');
  mkdirSync(join(dir, 'etc', 'tls'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'tls', 'cert.pem'), 'cert');
  writeFileSync(join(dir, 'etc', 'tls', 'key.pem'), 'key');
  writeFileSync(
    join(dir, 'etc', 'baton.json'),
    JSON.stringify({
      dataDir: 'state',
      admin: { port: 9100 },
      organizations: [{ name: 'acme', environments: [{ name: 'test', virtualHosts: [{ name: 'secure', port: 8443, tls: { certFile: 'tls/cert.pem', keyFile: 'tls/key.pem' } }] }] }],
    }),
  );
  return dir;
}

describe('loadConfig', () => {
  it('uses only defaults when no file is named', async () => {
    const config = await loadConfig({ env: {}, cwd: '/work/here' });
    expect(config.dataDir).toBe('/work/here/data');
    expect(config.organizations[0]!.name).toBe('demo');
  });

  it('reads --config relative to cwd and resolves file paths against the file', async () => {
    const dir = makeConfigDir();
    const config = await loadConfig({ configPath: 'etc/baton.json', env: {}, cwd: dir });
    expect(config.admin.port).toBe(9100);
    expect(config.dataDir).toBe(join(dir, 'etc', 'state'));
    expect(config.organizations[0]!.environments[0]!.virtualHosts[0]!.tls).toEqual({
      certFile: join(dir, 'etc', 'tls', 'cert.pem'),
      keyFile: join(dir, 'etc', 'tls', 'key.pem'),
      clientAuth: false,
      selfSigned: false,
    });
  });

  it('falls back to BATON_CONFIG, and --config wins over it', async () => {
    const dir = makeConfigDir();
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ admin: { port: 9200 } }));
    expect((await loadConfig({ env: { BATON_CONFIG: join(dir, 'etc', 'baton.json') }, cwd: '/' })).admin.port).toBe(9100);
    expect((await loadConfig({ configPath: join(dir, 'other.json'), env: { BATON_CONFIG: join(dir, 'etc', 'baton.json') }, cwd: '/' })).admin.port).toBe(9200);
  });

  it('lets environment variables override the file', async () => {
    const dir = makeConfigDir();
    const config = await loadConfig({ configPath: 'etc/baton.json', env: { BATON_ADMIN_PORT: '9300', BATON_DATA_DIR: '/data' }, cwd: dir });
    expect(config.admin.port).toBe(9300);
    expect(config.dataDir).toBe('/data');
  });

  it('reports an unreadable file and invalid JSON as ConfigError naming the file', async () => {
    const dir = makeTempDir('baton-load-config-');
    await expect(loadConfig({ configPath: 'absent.json', env: {}, cwd: dir })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ configPath: 'absent.json', env: {}, cwd: dir })).rejects.toThrow(`${join(dir, 'absent.json')}: cannot read the config file`);
    writeFileSync(join(dir, 'bad.json'), '{ "admin": ');
    await expect(loadConfig({ configPath: 'bad.json', env: {}, cwd: dir })).rejects.toThrow(`${join(dir, 'bad.json')}: not valid JSON`);
  });

  it('reports validation problems from the file', async () => {
    const dir = makeTempDir('baton-load-config-');
    writeFileSync(join(dir, 'baton.json'), JSON.stringify({ admin: { port: '80a' } }));
    const err: unknown = await loadConfig({ configPath: 'baton.json', env: {}, cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(['admin.port: expected an integer 0-65535, got "80a"']);
  });
});
