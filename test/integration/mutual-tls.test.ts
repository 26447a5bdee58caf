// A virtual host with clientAuth (mutual TLS): only clients presenting a certificate from the configured CA get through.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { createTestPki, type KeyPair, type TestPki } from '../helpers/create-test-pki.js';
import { packProxy, toUrlConnection } from '../helpers/pack-proxy.js';
import { startGateway } from '../helpers/start-gateway.js';
import type { TestGateway } from '../helpers/start-gateway.js';
import { startTarget, type StartedTarget } from '../helpers/start-target.js';

/** Opens a TLS connection, sends a request, and reports the error the connection ended with and any bytes received. */
function tryTls(url: string, options: { ca: string } & Partial<KeyPair>): Promise<{ errorCode: string | undefined; received: string }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ...options });
    let received = '';
    let errorCode: string | undefined;
    socket.setEncoding('latin1');
    socket.on('secureConnect', () => socket.write('GET /guarded/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      errorCode = err.code;
    });
    socket.on('close', () => resolve({ errorCode, received }));
  });
}

describe('mutual TLS on a virtual host', () => {
  let pkiDir: string;
  let pki: TestPki;
  let gw: TestGateway;
  let target: StartedTarget;
  const agents: Agent[] = [];

  beforeAll(async () => {
    pkiDir = await mkdtemp(join(tmpdir(), 'baton-pki-'));
    pki = await createTestPki(pkiDir);
    target = await startTarget();
    gw = await startGateway({ customize: (config) => ({
      ...config,
      organizations: config.organizations.map((org) => ({
        ...org,
        environments: org.environments.map((env) => ({
          ...env,
          virtualHosts: [...env.virtualHosts, {
            name: 'mtls', port: 0, host: '127.0.0.1', hostAliases: ['localhost'],
            tls: { certFile: pki.certFile, keyFile: pki.keyFile, caFile: pki.caFile, clientAuth: true, selfSigned: false },
          }],
        })),
      })),
    }) });
    await gw.deploy('guarded', await packProxy({ name: 'guarded', basePath: '/guarded', virtualHosts: ['mtls'], targetEndpoint: toUrlConnection(target.url) }));
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await gw?.close();
    await target?.close();
    if (pkiDir) await rm(pkiDir, { recursive: true, force: true });
  });

  function agent(clientCertificate?: KeyPair): Agent {
    const created = new Agent({ connect: { ca: pki.ca, servername: 'localhost', ...(clientCertificate ?? {}) } });
    agents.push(created);
    return created;
  }

  it('answers a client presenting a certificate the CA signed', async () => {
    const res = await request(`${gw.url('test', 'mtls')}/guarded/x`, { dispatcher: agent(pki.client) });
    expect(res.statusCode).toBe(200);
    const echoed = (await res.body.json()) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/x');
    expect(echoed.headers['x-forwarded-proto']).toBe('https');
  });

  it('refuses a client without a certificate at the TLS layer: no HTTP answer, nothing reaches the target', async () => {
    const before = target.requests.length;
    // TLS 1.3: the server's verdict arrives as an alert after the client's side of the handshake.
    expect(await tryTls(gw.url('test', 'mtls'), { ca: pki.ca })).toEqual({ errorCode: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', received: '' });
    const viaUndici = await request(`${gw.url('test', 'mtls')}/guarded/x`, { dispatcher: agent() }).then(() => 'answered', (e: { code?: string }) => e.code);
    expect(viaUndici).toBe('UND_ERR_SOCKET');
    expect(target.requests.length).toBe(before);
  });

  it('refuses a client certificate signed by another CA', async () => {
    const before = target.requests.length;
    // Node verifies a presented certificate after the handshake and then destroys the socket: no alert, no HTTP bytes.
    const outcome = await tryTls(gw.url('test', 'mtls'), { ca: pki.ca, ...pki.stranger });
    expect(outcome.received).toBe('');
    expect(outcome.errorCode ?? 'closed').toMatch(/^(closed|ECONNRESET|ERR_SSL_.*ALERT.*)$/);
    const viaUndici = await request(`${gw.url('test', 'mtls')}/guarded/x`, { dispatcher: agent(pki.stranger) }).then(() => 'answered', (e: { code?: string }) => e.code);
    expect(viaUndici).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    expect(target.requests.length).toBe(before);
  });

  it('answers the same raw TLS exchange once the trusted certificate is presented', async () => {
    const outcome = await tryTls(gw.url('test', 'mtls'), { ca: pki.ca, ...pki.client });
    expect(outcome.errorCode).toBeUndefined();
    expect(outcome.received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('serves the proxy on the mutual TLS virtual host only', async () => {
    const res = await request(`${gw.url('test', 'default')}/guarded/x`);
    expect(res.statusCode).toBe(404);
    await res.body.text();
  });
});
