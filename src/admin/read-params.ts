// Management-API parameters: query string and form body merged (compat §1.2), with typed readers.
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../errors.js';
import { isFormContentType } from './register-body-parsers.js';

/**
 * The request's parameters from the query string and an `application/x-www-form-urlencoded` body; the query
 * string wins (compat §1.2, our choice). A repeated parameter keeps its first value. The result has no prototype,
 * so names like `__proto__` are plain keys.
 */
export function readParams(request: FastifyRequest): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  if (isFormContentType(request.headers['content-type'])) copyParams(request.body, params);
  copyParams(request.query, params);
  return params;
}

function copyParams(source: unknown, target: Record<string, string>): void {
  if (typeof source !== 'object' || source === null || Buffer.isBuffer(source)) return;
  for (const [name, value] of Object.entries(source)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') target[name] = first;
  }
}

/** `true`/`false` in any case; `fallback` when absent; 400 InvalidParameter naming the field otherwise. */
export function readBooleanParam(params: Readonly<Record<string, string>>, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new AdminError('InvalidParameter', [`Invalid value for ${name}: expected true or false, got ${JSON.stringify(value)}`]);
}

/** A decimal integer (optional sign); `fallback` when absent; 400 InvalidParameter naming the field otherwise. */
export function readIntegerParam(params: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const value = params[name];
  if (value === undefined) return fallback;
  const trimmed = value.trim();
  const parsed = Number(trimmed);
  if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(parsed)) {
    throw new AdminError('InvalidParameter', [`Invalid value for ${name}: expected an integer, got ${JSON.stringify(value)}`]);
  }
  return parsed;
}
