import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { connect, createSecureContext, createServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ensureSelfSignedCertificate } from '../../../src/tls/ensure-self-signed-certificate.js';
import { makeTempDir } from '../../helpers/make-temp-dir.js';

function newDir(): string {
  return join(makeTempDir('baton-tls-'), 'tls');
}

describe('ensureSelfSignedCertificate', () => {
  it('creates a key and certificate that load into a TLS context', async () => {
    const dir = newDir();
    const result = await ensureSelfSignedCertificate(dir, ['api.example.test']);
    expect(result.created).toBe(true);
    const cert = readFileSync(result.certFile);
    const key = readFileSync(result.keyFile);
    expect(() => createSecureContext({ cert, key })).not.toThrow();
    expect(statSync(result.keyFile).mode & 0o777).toBe(0o600);
    const san = new X509Certificate(cert).subjectAltName ?? '';
    expect(san).toContain('DNS:localhost');
    expect(san).toContain('DNS:api.example.test');
    expect(san).toContain('IP Address:127.0.0.1');
    expect(san).toMatch(/IP Address:(0:0:0:0:0:0:0:1|::1)/);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('serves a handshake that a client trusting the certificate accepts for localhost', async () => {
    const { certFile, keyFile } = await ensureSelfSignedCertificate(newDir(), []);
    const cert = readFileSync(certFile);
    const server = createServer({ cert, key: readFileSync(keyFile) }, (socket) => socket.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: cert });
      await once(socket, 'secureConnect');
      expect(socket.authorized).toBe(true);
      socket.destroy();
    } finally {
      server.close();
    }
  });

  it('reuses the pair on a second call', async () => {
    const dir = newDir();
    const first = await ensureSelfSignedCertificate(dir, ['a.example.test']);
    const certBefore = readFileSync(first.certFile, 'utf8');
    const second = await ensureSelfSignedCertificate(dir, ['a.example.test']);
    expect(second).toEqual({ certFile: first.certFile, keyFile: first.keyFile, created: false });
    expect(readFileSync(second.certFile, 'utf8')).toBe(certBefore);
  });

  it('replaces a pair that does not cover a new host name', async () => {
    const dir = newDir();
    const first = await ensureSelfSignedCertificate(dir, ['a.example.test']);
    const certBefore = readFileSync(first.certFile, 'utf8');
    const second = await ensureSelfSignedCertificate(dir, ['a.example.test', 'b.example.test']);
    expect(second.created).toBe(true);
    expect(readFileSync(second.certFile, 'utf8')).not.toBe(certBefore);
    expect(new X509Certificate(readFileSync(second.certFile)).subjectAltName).toContain('DNS:b.example.test');
  });

  it('replaces a damaged or mismatched pair', async () => {
    const dir = newDir();
    const first = await ensureSelfSignedCertificate(dir, []);
    writeFileSync(first.keyFile, 'not a key');
    const second = await ensureSelfSignedCertificate(dir, []);
    expect(second.created).toBe(true);
    expect(() => createSecureContext({ cert: readFileSync(second.certFile), key: readFileSync(second.keyFile) })).not.toThrow();

    const other = await ensureSelfSignedCertificate(newDir(), []);
    writeFileSync(second.keyFile, readFileSync(other.keyFile));
    expect((await ensureSelfSignedCertificate(dir, [])).created).toBe(true);
  });
});
