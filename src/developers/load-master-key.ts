// The gateway's master key (API key and KVM encryption): BATON_MASTER_KEY, or `<dataDir>/secrets/master.key` created 0600 on first start.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { masterKeyBytes, toMasterKeyBytes } from '../config/parse-master-key.js';
import { ConfigError } from '../errors.js';
import { fsyncDirectory } from '../store/write-file-durably.js';

export interface MasterKey {
  readonly key: Buffer;
  /** Where it came from: the environment, or the file (then `file` is its path). */
  readonly source: 'environment' | 'file';
  readonly file?: string;
  /** True when this start generated the file. */
  readonly created: boolean;
}

export interface LoadMasterKeyOptions {
  readonly dataDir: string;
  /** Base64 from BATON_MASTER_KEY (config.masterKey); wins over the file. */
  readonly configured?: string;
  readonly logger: Logger;
}

/** `<dataDir>/secrets/master.key`: outside the store directory, so a copy of the store alone holds no usable key. */
export function toMasterKeyFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'master.key');
}

/**
 * Returns the configured key, else reads the key file, else creates it (32 random bytes as base64, mode 0600, in a
 * 0700 directory). Creation is crash-safe and never replaces a file another process created first: the key is
 * written to a temporary file, fsynced, then hard-linked to its name (link fails if the name exists).
 */
export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<MasterKey> {
  if (options.configured !== undefined) return { key: Buffer.from(options.configured, 'base64'), source: 'environment', created: false };
  const file = toMasterKeyFile(options.dataDir);
  const existing = await readKeyFile(file, options.logger);
  if (existing) return { key: existing, source: 'file', file, created: false };
  const key = randomBytes(masterKeyBytes);
  const created = await createKeyFile(file, key);
  if (!created) {
    const winner = await readKeyFile(file, options.logger);
    if (!winner) throw new ConfigError([`${file}: the master key file vanished while it was being created`]);
    return { key: winner, source: 'file', file, created: false };
  }
  options.logger.info({ file }, 'created the master key that seals API keys and encrypted KVMs; back it up apart from the data directory');
  return { key, source: 'file', file, created: true };
}

async function readKeyFile(file: string, logger: Logger): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([`${file}: cannot read the master key file: ${(err as Error).message}`]);
  }
  const key = toMasterKeyBytes(text);
  // The content is never echoed: it is the secret.
  if (!key) throw new ConfigError([`${file}: expected ${masterKeyBytes} bytes as base64 or 64 hex digits; restore the file from its backup`]);
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) logger.warn({ file, mode: mode.toString(8) }, 'the master key file is readable by other users; chmod 600 it');
  return key;
}

/** False when another process created the file first. */
async function createKeyFile(file: string, key: Buffer): Promise<boolean> {
  const dir = join(file, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tempFile = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tempFile, 'wx', 0o600);
  try {
    await handle.writeFile(`${key.toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tempFile, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tempFile).catch(() => undefined);
    await fsyncDirectory(dir).catch(() => undefined);
  }
  return true;
}
