// Test helper that writes a throwaway PKI for mutual TLS: a CA, a server and a client certificate it signed, and a stranger's client certificate.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  /** PEM files of the CA (`caFile`) and the server certificate for localhost / 127.0.0.1 it signed. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly ca: string;
  /** A client certificate the CA signed. */
  readonly client: KeyPair;
  /** A client certificate signed by another CA the server does not trust. */
  readonly stranger: KeyPair;
}

type GenerateOptions = NonNullable<Parameters<typeof generate>[1]>;

function baseOptions(): GenerateOptions {
  const now = Date.now();
  // EC keys keep generation fast; a minute of back-dating tolerates clock skew.
  return { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate: new Date(now - 60_000), notAfterDate: new Date(now + 24 * 60 * 60 * 1000) };
}

async function createCa(commonName: string): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...baseOptions(),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

async function createLeaf(commonName: string, ca: KeyPair, usage: 'server' | 'client'): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    ...baseOptions(),
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      usage === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
      ...(usage === 'server' ? [{ name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] }] : []),
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Generates the PKI and writes the CA and server files into `dir`. */
export async function createTestPki(dir: string): Promise<TestPki> {
  const [ca, otherCa] = await Promise.all([createCa('Baton Test CA'), createCa('Stranger CA')]);
  const [server, client, stranger] = await Promise.all([
    createLeaf('localhost', ca, 'server'), createLeaf('trusted client', ca, 'client'), createLeaf('stranger', otherCa, 'client'),
  ]);
  const pki: TestPki = { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server-cert.pem'), keyFile: join(dir, 'server-key.pem'), ca: ca.cert, client, stranger };
  await writeFile(pki.caFile, ca.cert);
  await writeFile(pki.certFile, server.cert);
  await writeFile(pki.keyFile, server.key, { mode: 0o600 });
  return pki;
}
