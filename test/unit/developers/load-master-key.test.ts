// The master key: BATON_MASTER_KEY wins; otherwise `<dataDir>/secrets/master.key`, created 0600 once and reused.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { loadMasterKey, toMasterKeyFile } from '../../../src/developers/load-master-key.js';
import { ConfigError } from '../../../src/errors.js';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baton-master-key-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('loadMasterKey', () => {
  it('creates a 32-byte key file readable by the owner only, in a private directory, and reuses it', async () => {
    const dataDir = await tempDir();
    const first = await loadMasterKey({ dataDir, logger });
    expect(first).toMatchObject({ source: 'file', created: true, file: toMasterKeyFile(dataDir) });
    expect(first.key).toHaveLength(32);
    expect((await stat(toMasterKeyFile(dataDir))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect((await readFile(toMasterKeyFile(dataDir), 'utf8')).trim()).toBe(first.key.toString('base64'));
    const second = await loadMasterKey({ dataDir, logger });
    expect(second.created).toBe(false);
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('gives every concurrent first start the same key', async () => {
    const dataDir = await tempDir();
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadMasterKey({ dataDir, logger })));
    expect(keys.filter((k) => k.created)).toHaveLength(1);
    for (const k of keys) expect(k.key.equals(keys[0]!.key)).toBe(true);
  });

  it('uses the configured key and writes no file', async () => {
    const dataDir = await tempDir();
    const configured = randomBytes(32);
    const loaded = await loadMasterKey({ dataDir, configured: configured.toString('base64'), logger });
    expect(loaded).toMatchObject({ source: 'environment', created: false });
    expect(loaded.key.equals(configured)).toBe(true);
    await expect(stat(toMasterKeyFile(dataDir))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a damaged key file without printing its content', async () => {
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'secrets'), { recursive: true });
    await writeFile(toMasterKeyFile(dataDir), 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=\n', { mode: 0o600 });
    const err = await loadMasterKey({ dataDir, logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toContain('master.key');
    expect(String((err as Error).message)).not.toContain('c2VjcmV0');
  });
});

describe('BATON_MASTER_KEY in parseConfig', () => {
  const parse = (value: string) => parseConfig(undefined, { BATON_MASTER_KEY: value }, '/tmp', '/tmp');

  it('accepts 32 bytes as hex or base64 and keeps them as base64', () => {
    const key = randomBytes(32);
    expect(parse(key.toString('hex')).masterKey).toBe(key.toString('base64'));
    expect(parse(key.toString('base64')).masterKey).toBe(key.toString('base64'));
    expect(parse(key.toString('base64url')).masterKey).toBe(key.toString('base64'));
    expect(parseConfig(undefined, {}, '/tmp', '/tmp').masterKey).toBeUndefined();
  });

  it('refuses other lengths and repeated bytes, naming the variable but not the value', () => {
    for (const bad of ['short-secret-value', randomBytes(16).toString('hex'), '00'.repeat(32)]) {
      const err = (() => { try { parse(bad); return undefined; } catch (e) { return e as ConfigError; } })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(err!.problems.join('\n')).toContain('BATON_MASTER_KEY');
      expect(err!.problems.join('\n')).not.toContain(bad);
    }
  });
});
