// Typed readers for the fields of management-API JSON bodies; each problem is a 400 InvalidParameter naming the field.
import { AdminError } from '../errors.js';
import type { Attribute } from './developer-records.js';

export type Fields = Readonly<Record<string, unknown>>;

/** Edge allows 18 custom attributes per entity. */
const maxAttributes = 18;
const maxNameLength = 255;
const maxValueLength = 2048;
const maxListLength = 100;

export function invalid(message: string): AdminError {
  return new AdminError('InvalidParameter', [message]);
}

/** Names become store-key and URL segments: no `/`, no control characters, not `.` or `..`. */
export function assertEntityName(name: string, field: string): void {
  if (name === '' || name.length > maxNameLength || name === '.' || name === '..' || /[/\\\u0000-\u001f\u007f]/.test(name)) {
    throw invalid(`${field}: expected 1-${maxNameLength} characters without "/", "\\" or control characters`);
  }
}

export function assertEmail(email: string): void {
  if (email.length > maxNameLength || !/^[^\s@/\\]+@[^\s@/\\]+$/.test(email)) throw invalid('email: expected an email address');
}

export function assertCredentialText(value: string, field: string): void {
  if (value.length < 1 || value.length > maxValueLength || /[\u0000-\u001f\u007f]/.test(value)) throw invalid(`${field}: expected 1-${maxValueLength} printable characters`);
}

export function readString(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name}: expected a string`);
  return value;
}

/** Free text with a length bound; `allowEmpty` for fields Edge lets clients clear. */
export function readText(fields: Fields, name: string, allowEmpty = false): string | undefined {
  const value = readString(fields, name);
  if (value === undefined) return undefined;
  if ((!allowEmpty && value.trim() === '') || value.length > maxValueLength) throw invalid(`${name}: expected ${allowEmpty ? '' : 'non-empty '}text of at most ${maxValueLength} characters`);
  return value;
}

export function readList(fields: Fields, name: string): string[] | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(`${name}: expected a list of strings`);
  if (value.length > maxListLength) throw invalid(`${name}: expected at most ${maxListLength} entries`);
  return [...new Set(value as string[])];
}

export function readNameList(fields: Fields, name: string): string[] | undefined {
  const list = readList(fields, name);
  for (const item of list ?? []) assertEntityName(item, name);
  return list;
}

export function readTextList(fields: Fields, name: string): string[] | undefined {
  const list = readList(fields, name);
  for (const item of list ?? []) {
    if (item === '' || item.length > maxValueLength) throw invalid(`${name}: expected non-empty entries of at most ${maxValueLength} characters`);
  }
  return list;
}

/** `[{"name": …, "value": …}]`; names unique, at most 18. A value may be a number or boolean (kept as text). */
export function readAttributes(fields: Fields): Attribute[] | undefined {
  const value = fields.attributes;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid('attributes: expected a list of {"name", "value"}');
  if (value.length > maxAttributes) throw invalid(`attributes: expected at most ${maxAttributes} attributes`);
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    const attribute = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    const attributeName = attribute?.name;
    const attributeValue = attribute?.value ?? '';
    if (typeof attributeName !== 'string' || attributeName === '' || attributeName.length > maxNameLength) throw invalid(`attributes[${index}].name: expected a non-empty string`);
    if (!['string', 'number', 'boolean'].includes(typeof attributeValue)) throw invalid(`attributes[${index}].value: expected a string`);
    const text = String(attributeValue);
    if (text.length > maxValueLength) throw invalid(`attributes[${index}].value: expected at most ${maxValueLength} characters`);
    if (seen.has(attributeName)) throw invalid(`attributes: ${JSON.stringify(attributeName)} appears twice`);
    seen.add(attributeName);
    return { name: attributeName, value: text };
  });
}

/** Edge sends milliseconds as a number or as text; -1 means never. */
export function readExpiresIn(fields: Fields): number | undefined {
  const value = fields.keyExpiresIn;
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || (number < 1 && number !== -1)) throw invalid('keyExpiresIn: expected milliseconds (a positive integer) or -1 for never');
  return number;
}

/** Edge keeps quota settings as text; a number is accepted and stored as text. */
export function readQuotaText(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`${name}: expected a string`);
  return String(value).trim();
}

export function readQuotaNumber(fields: Fields, name: string): string | undefined {
  const text = readQuotaText(fields, name);
  if (text !== undefined && (!/^\d{1,15}$/.test(text) || Number(text) < 1)) throw invalid(`${name}: expected a positive integer`);
  return text;
}

/** Drops undefined fields, so that "absent" and "keep the current value" are the same thing. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
