// Reads the JSON object body of a management request and its typed fields; every problem is a 400 naming the field.
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../../errors.js';

/** A JSON body's own fields, in a prototype-free record (so `constructor` or `toString` never read inherited values). */
export type JsonFields = Readonly<Record<string, unknown>>;

/**
 * The body as fields. No body at all reads as `{}` so that required fields are reported by name. Bodies of any
 * other type are 415: these routes take secrets, which must not arrive as form fields that the query string could
 * also fill. `__proto__` and `constructor.prototype` keys never reach here: the server's JSON parser refuses them
 * with 400 (register-body-parsers.ts).
 */
export function readJsonBody(request: FastifyRequest): JsonFields {
  const body: unknown = request.body;
  const type = request.headers['content-type'];
  const isJson = type !== undefined && type.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
  if (body === undefined || (Buffer.isBuffer(body) && body.length === 0 && !isJson)) return Object.create(null) as JsonFields;
  if (!isJson) throw new AdminError('UnsupportedMediaType', [type ?? '(none)']);
  return toJsonFields(body, 'body');
}

/** An object value as fields; 400 naming `field` for anything else (arrays included). */
export function toJsonFields(value: unknown, field: string): JsonFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field}: expected a JSON object`);
  const fields: Record<string, unknown> = Object.create(null);
  for (const [name, fieldValue] of Object.entries(value)) fields[name] = fieldValue;
  return fields;
}

export function readOptionalString(fields: JsonFields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name}: expected a string`);
  return value;
}

export function readRequiredString(fields: JsonFields, name: string): string {
  const value = readOptionalString(fields, name);
  if (value === undefined) throw invalid(`${name}: required`);
  return value;
}

export function readOptionalNumber(fields: JsonFields, name: string): number | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw invalid(`${name}: expected a number`);
  return value;
}

export function readOptionalStringList(fields: JsonFields, name: string): string[] | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(`${name}: expected a list of strings`);
  return value as string[];
}

export function readRequiredStringList(fields: JsonFields, name: string): string[] {
  const value = readOptionalStringList(fields, name);
  if (value === undefined) throw invalid(`${name}: required`);
  return value;
}

export function invalid(message: string): AdminError {
  return new AdminError('InvalidParameter', [message]);
}
