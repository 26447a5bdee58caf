// What a copy of the store reveals: no consumer key or secret in clear, and nothing usable without the master key.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toMasterKeyFile } from '../../src/developers/load-master-key.js';
import { startGateway } from '../helpers/start-gateway.js';

async function readTree(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(parts);
}

describe('API key storage', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps keys and secrets out of the store files, and needs the master key to read them back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'baton-key-storage-'));
    dirs.push(dataDir);
    let gw = await startGateway({ dataDir });
    const admin = gw.admin;
    expect((await admin.post('/v1/o/demo/apiproducts', { json: { name: 'gold' } })).status).toBe(201);
    expect((await admin.post('/v1/o/demo/developers', { json: { email: 'leak-test@example.com', firstName: 'L', lastName: 'T', userName: 'lt' } })).status).toBe(201);
    const created = await admin.post('/v1/o/demo/developers/leak-test@example.com/apps', { json: { name: 'leaky', apiProducts: ['gold'] } });
    expect(created.status, created.text()).toBe(201);
    const { consumerKey, consumerSecret } = created.json<{ credentials: Array<{ consumerKey: string; consumerSecret: string }> }>().credentials[0]!;
    const imported = { consumerKey: 'ImportedPlaintextKey-7f3a9c', consumerSecret: 'ImportedPlaintextSecret-51be' };
    expect((await admin.post('/v1/o/demo/developers/leak-test@example.com/apps/leaky/keys/create', { json: imported })).status).toBe(201);
    await gw.close();

    const store = await readTree(join(dataDir, 'store'));
    // The records are there (the test reads the right files)…
    expect(store.includes('leak-test@example.com')).toBe(true);
    expect(store.includes('"keyIndex"')).toBe(true);
    // …but no key or secret, in clear or in the encodings a careless implementation would use.
    for (const secret of [consumerKey, consumerSecret, imported.consumerKey, imported.consumerSecret]) {
      for (const encoded of [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')]) {
        expect(store.includes(encoded), `store holds ${encoded}`).toBe(false);
      }
    }
    const masterKeyText = (await readFile(toMasterKeyFile(dataDir), 'utf8')).trim();
    expect(store.includes(masterKeyText)).toBe(false);
    expect(store.includes(Buffer.from(masterKeyText, 'base64'))).toBe(false);

    // The same data directory (and so the same master key file) reads the keys back.
    gw = await startGateway({ dataDir });
    const app = (await gw.admin.get('/v1/o/demo/developers/leak-test@example.com/apps/leaky')).json<{ credentials: Array<{ consumerKey: string; consumerSecret: string }> }>();
    expect(app.credentials.map((c) => [c.consumerKey, c.consumerSecret])).toEqual([[consumerKey, consumerSecret], [imported.consumerKey, imported.consumerSecret]]);
    await gw.close();

    // The store with another master key: refused at start, not silently broken.
    const otherKey = randomBytes(32).toString('base64');
    await expect(startGateway({ dataDir, customize: (config) => ({ ...config, masterKey: otherKey }) })).rejects.toThrow(/master key does not match/);
  });
});
