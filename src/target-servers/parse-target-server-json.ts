// Edge TargetServer JSON from a management request → a validated TargetServerInput; every problem is a 400 naming the field.
import { isIP } from 'node:net';
import { AdminError } from '../errors.js';
import type { TargetServerRecord } from './target-server-records.js';

/** What a client may set of a TargetServer record. */
export type TargetServerInput = Pick<TargetServerRecord, 'name' | 'host' | 'port' | 'isEnabled' | 'description' | 'ssl'>;

const FIELDS = new Set(['name', 'host', 'port', 'isEnabled', 'description', 'sSLInfo', 'protocol']);
const SSL_FIELDS = new Set(['enabled', 'clientAuthEnabled', 'ignoreValidationErrors', 'keyStore', 'keyAlias', 'trustStore', 'ciphers', 'protocols', 'commonName']);
// What a key in the store and a path segment may hold; Edge names are letters, digits, `_`, `-` and `.`.
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
const HOST_LABEL = '[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOST_NAME = new RegExp(`^${HOST_LABEL}(\\.${HOST_LABEL})*$`);
const MAX_DESCRIPTION = 1024;

export function isTargetServerName(name: string): boolean {
  return NAME.test(name);
}

function invalid(message: string): AdminError {
  return new AdminError('InvalidParameter', [message]);
}

/** `true`/`false`, or Edge's string forms `"true"`/`"false"`. */
function readBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(`${field}: expected true or false`);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function readSsl(value: unknown): TargetServerInput['ssl'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('sSLInfo: expected a JSON object');
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!SSL_FIELDS.has(key)) throw invalid(`sSLInfo.${key}: unknown field`);
  if (readBoolean(fields.clientAuthEnabled, 'sSLInfo.clientAuthEnabled', false)) throw invalid('sSLInfo.clientAuthEnabled: mutual TLS to targets is not supported');
  for (const key of ['keyStore', 'keyAlias', 'trustStore', 'ciphers', 'protocols', 'commonName']) {
    if (!isEmpty(fields[key])) throw invalid(`sSLInfo.${key}: not supported (Baton verifies targets against the system's trusted CAs)`);
  }
  return {
    enabled: readBoolean(fields.enabled, 'sSLInfo.enabled', false),
    ignoreValidationErrors: readBoolean(fields.ignoreValidationErrors, 'sSLInfo.ignoreValidationErrors', false),
  };
}

/**
 * Validates a create (POST) or replace (PUT) body. `pathName` is the name in the URL of a PUT: the body may
 * repeat it but not change it. Unknown fields are refused, so a misspelt `enabled` is not silently ignored.
 */
export function parseTargetServerJson(body: Readonly<Record<string, unknown>>, pathName?: string): TargetServerInput {
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) throw invalid(`${key}: unknown field of a TargetServer`);
  const rawName = body.name ?? pathName;
  if (typeof rawName !== 'string' || rawName === '') throw invalid('name: required');
  if (!isTargetServerName(rawName)) throw invalid(`name: expected letters, digits, "_", "-" and "." (at most 255), got ${JSON.stringify(rawName.slice(0, 64))}`);
  if (pathName !== undefined && rawName !== pathName) throw invalid(`name: ${JSON.stringify(rawName.slice(0, 64))} does not match the TargetServer in the path; a TargetServer cannot be renamed`);
  const host = body.host;
  if (typeof host !== 'string' || host === '') throw invalid('host: required');
  if (isIP(host) === 0 && (host.length > 253 || !HOST_NAME.test(host))) throw invalid(`host: expected a host name or IP address, got ${JSON.stringify(host.slice(0, 64))}`);
  const rawPort = typeof body.port === 'string' && /^\d{1,5}$/.test(body.port) ? Number(body.port) : body.port;
  if (typeof rawPort !== 'number' || !Number.isInteger(rawPort) || rawPort < 1 || rawPort > 65535) throw invalid('port: expected an integer 1-65535');
  const description = body.description;
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > MAX_DESCRIPTION)) {
    throw invalid(`description: expected a string of at most ${MAX_DESCRIPTION} characters`);
  }
  if (body.protocol !== undefined && body.protocol !== null && body.protocol !== 'HTTP') throw invalid('protocol: only HTTP is supported');
  const ssl = readSsl(body.sSLInfo);
  return {
    name: rawName,
    host,
    port: rawPort,
    isEnabled: readBoolean(body.isEnabled, 'isEnabled', true),
    ...(typeof description === 'string' && description !== '' ? { description } : {}),
    ...(ssl ? { ssl } : {}),
  };
}
