// Parses one environment's VirtualHost entry of the config file, including its TLS settings.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TlsMinVersion, VirtualHostConfig, VirtualHostTlsConfig } from '../config.js';
import { defaultVirtualHost } from './default-config.js';
import {
  type ConfigProblems,
  joinPath,
  listenPortRange,
  readBoolean,
  readEnum,
  readHost,
  readInteger,
  readName,
  readOptionalString,
  readSection,
  required,
  toShownValue,
} from './config-reader.js';

export interface VirtualHostContext {
  /** Directory relative file paths in the file resolve against. */
  readonly baseDir: string;
  /** BATON_DATAPLANE_HOST, already validated: replaces every virtual host's bind address. */
  readonly hostOverride: string | undefined;
}

const virtualHostKeys = ['name', 'port', 'host', 'hostAliases', 'tls'] as const;
const tlsKeys = ['certFile', 'keyFile', 'caFile', 'clientAuth', 'selfSigned', 'ciphers', 'minVersion'] as const;
// TLS 1.0 and 1.1 are deprecated (RFC 8996), so they are not offered.
const tlsMinVersions: readonly TlsMinVersion[] = ['TLSv1.2', 'TLSv1.3'];

export function parseVirtualHost(problems: ConfigProblems, raw: unknown, path: string, context: VirtualHostContext): VirtualHostConfig {
  const section = readSection(problems, raw, path, virtualHostKeys);
  const fileHost = readHost(problems, section.host, joinPath(path, 'host'), defaultVirtualHost.host);
  const tls = section.tls === undefined ? undefined : parseTls(problems, section.tls, joinPath(path, 'tls'), context.baseDir);
  return {
    name: readName(problems, section.name, joinPath(path, 'name')),
    port: readInteger(problems, required(section.port), joinPath(path, 'port'), listenPortRange, 0),
    host: context.hostOverride ?? fileHost,
    hostAliases: parseHostAliases(problems, section.hostAliases, joinPath(path, 'hostAliases')),
    ...(tls ? { tls } : {}),
  };
}

function parseHostAliases(problems: ConfigProblems, raw: unknown, path: string): string[] {
  if (raw === undefined) return [...defaultVirtualHost.hostAliases];
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(path, `expected a non-empty array of host names, got ${toShownValue(raw)}`);
    return [];
  }
  return raw.map((alias: unknown, index) => readHost(problems, alias, `${path}[${index}]`, ''));
}

function parseTls(problems: ConfigProblems, raw: unknown, path: string, baseDir: string): VirtualHostTlsConfig {
  const section = readSection(problems, raw, path, tlsKeys);
  const certFile = readFile(problems, section.certFile, joinPath(path, 'certFile'), baseDir);
  const keyFile = readFile(problems, section.keyFile, joinPath(path, 'keyFile'), baseDir);
  const caFile = readFile(problems, section.caFile, joinPath(path, 'caFile'), baseDir);
  const hasCertificate = section.certFile !== undefined && section.keyFile !== undefined;
  if ((section.certFile === undefined) !== (section.keyFile === undefined)) {
    problems.add(path, 'expected certFile and keyFile together, or neither (for a self-signed certificate)');
  }
  const selfSigned = readBoolean(problems, section.selfSigned, joinPath(path, 'selfSigned'), !hasCertificate);
  if (selfSigned && hasCertificate) problems.add(joinPath(path, 'selfSigned'), 'cannot be true when certFile and keyFile are given');
  if (!selfSigned && section.certFile === undefined && section.keyFile === undefined) {
    problems.add(joinPath(path, 'selfSigned'), 'is false, so certFile and keyFile are required');
  }
  const clientAuth = readBoolean(problems, section.clientAuth, joinPath(path, 'clientAuth'), false);
  // Without a CA file Node would accept any client certificate signed by a public root: never what mTLS means here.
  if (clientAuth && section.caFile === undefined) problems.add(joinPath(path, 'clientAuth'), 'requires caFile (the CA that signs client certificates)');
  const ciphers = readOptionalString(problems, section.ciphers, joinPath(path, 'ciphers'));
  const minVersion = section.minVersion === undefined ? undefined : readEnum(problems, section.minVersion, joinPath(path, 'minVersion'), tlsMinVersions, 'TLSv1.2');
  return {
    ...(certFile !== undefined ? { certFile } : {}),
    ...(keyFile !== undefined ? { keyFile } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    clientAuth,
    selfSigned,
    ...(ciphers !== undefined ? { ciphers } : {}),
    ...(minVersion !== undefined ? { minVersion } : {}),
  };
}

/** Reads a path to an existing regular file; relative paths resolve against `baseDir`. */
export function readFile(problems: ConfigProblems, raw: unknown, path: string, baseDir: string): string | undefined {
  const text = readOptionalString(problems, raw, path);
  if (text === undefined) return undefined;
  const absolute = resolve(baseDir, text);
  const stats = statSync(absolute, { throwIfNoEntry: false });
  if (!stats) problems.add(path, `file not found: ${absolute}`);
  else if (!stats.isFile()) problems.add(path, `not a regular file: ${absolute}`);
  return absolute;
}
