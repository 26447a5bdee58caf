// Encrypted KVM entries are covered by the master key check: restarting with another key is refused, naming where the key comes from.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/start-gateway.js';

describe('encrypted key value maps and the master key', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start with another master key once an encrypted entry is stored (no API key stored)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'baton-kvm-master-key-'));
    dirs.push(dataDir);
    let gw = await startGateway({ dataDir });
    const created = await gw.admin.post('/v1/organizations/demo/environments/test/keyvaluemaps', {
      json: { name: 'secrets', encrypted: true, entry: [{ name: 'db-password', value: 's3cret' }] },
    });
    expect(created.status, created.text()).toBe(201);
    await gw.close();

    // The same data directory (the same key file) starts and reads the entry back.
    gw = await startGateway({ dataDir });
    expect((await gw.admin.get('/v1/organizations/demo/environments/test/keyvaluemaps/secrets/entries/db-password')).status).toBe(200);
    await gw.close();

    const otherKey = randomBytes(32).toString('base64');
    const refused = startGateway({ dataDir, customize: (config) => ({ ...config, masterKey: otherKey }) });
    await expect(refused).rejects.toThrow(/master key does not match/);
    await expect(refused).rejects.toThrow(/BATON_MASTER_KEY/);
    await expect(refused).rejects.toThrow(/encrypted KVM/);
  });
});
