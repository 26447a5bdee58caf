// First-run TLS: creates (or reuses) the self-signed certificate that HTTPS virtual hosts without a cert use.
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface SelfSignedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** False when a usable certificate from an earlier start was reused. */
  readonly created: boolean;
}

const certFileName = 'self-signed-cert.pem';
const keyFileName = 'self-signed-key.pem';
const validityDays = 365;
// Renew a month ahead so a long-running gateway is not caught by expiry between restarts.
const renewBeforeMs = 30 * 24 * 60 * 60 * 1000;

/**
 * Returns a self-signed certificate and key in `dir` valid for localhost, 127.0.0.1, ::1 and `hostnames`.
 * An existing pair is reused when it matches, covers every name and is not about to expire; otherwise a new
 * pair replaces it, each file written to a temporary name and renamed so a crash never leaves half a file.
 */
export async function ensureSelfSignedCertificate(dir: string, hostnames: readonly string[]): Promise<SelfSignedCertificate> {
  const certFile = join(dir, certFileName);
  const keyFile = join(dir, keyFileName);
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostnames])];
  if (await isReusable(certFile, keyFile, names)) return { certFile, keyFile, created: false };

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pems = await generate([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000), // tolerate a little clock skew between client and server
    notAfterDate: new Date(Date.now() + validityDays * 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) },
    ],
  });
  // Key first: a cert without its key is never left as the newer file of a pair.
  await writeAtomically(keyFile, pems.private, 0o600);
  await writeAtomically(certFile, pems.cert, 0o644);
  return { certFile, keyFile, created: true };
}

async function isReusable(certFile: string, keyFile: string, names: readonly string[]): Promise<boolean> {
  let certificate: X509Certificate;
  let keyPem: string;
  try {
    certificate = new X509Certificate(await readFile(certFile));
    keyPem = await readFile(keyFile, 'utf8');
  } catch {
    return false;
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) return false;
  } catch {
    return false;
  }
  if (Date.parse(certificate.validTo) - Date.now() < renewBeforeMs) return false;
  const altNames = toAltNames(certificate.subjectAltName ?? '');
  return names.every((name) => altNames.has(toComparableName(name)));
}

/** `DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1` → comparable names. */
function toAltNames(subjectAltName: string): Set<string> {
  const names = new Set<string>();
  for (const entry of subjectAltName.split(', ')) {
    const match = /^(DNS|IP Address):(.*)$/.exec(entry);
    if (match?.[2]) names.add(toComparableName(match[2]));
  }
  return names;
}

/** OpenSSL prints IPv6 SANs fully expanded; URL parsing gives the canonical short form to compare. */
function toComparableName(name: string): string {
  if (isIP(name) === 6) return new URL(`http://[${name}]/`).hostname;
  return name.toLowerCase();
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, content, { mode, flag: 'wx' });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
