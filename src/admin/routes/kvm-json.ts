// Edge's key value map JSON (management API reference): views with encrypted values masked, and request bodies read strictly.
import type { KvmEntryInput, KvmEntryView, KvmMapView } from '../../kvms/kvm-service.js';
import { invalid, readOptionalString, readRequiredString, toJsonFields, type JsonFields } from './read-json-body.js';

/** What Edge shows instead of a value of an encrypted map. */
export const MASKED_VALUE = '*****';

export interface KvmEntryJson {
  readonly name: string;
  readonly value: string;
}

/** A multi-valued entry (a policy Put with several `<Value>`s) reads as its values joined with `,`. */
export function toEntryJson(entry: KvmEntryView): KvmEntryJson {
  return { name: entry.name, value: entry.values === undefined ? MASKED_VALUE : entry.values.join(',') };
}

export function toMapJson(map: KvmMapView): { encrypted: boolean; entry: KvmEntryJson[]; name: string } {
  return { encrypted: map.encrypted, entry: map.entries.map(toEntryJson), name: map.name };
}

/** `{"name": "k", "value": "v"}`; the value must be a string (Edge stores strings). */
export function readEntryInput(fields: JsonFields, where: string, nameFromPath?: string): KvmEntryInput {
  const name = nameFromPath === undefined ? readRequiredString(fields, 'name') : readOptionalString(fields, 'name') ?? nameFromPath;
  if (name === '') throw invalid(`${where}name: must not be empty`);
  if (nameFromPath !== undefined && name !== nameFromPath) throw invalid(`${where}name: ${JSON.stringify(name)} differs from the entry in the path ${JSON.stringify(nameFromPath)}`);
  const value = fields.value;
  if (typeof value !== 'string') throw invalid(`${where}value: expected a string`);
  return { name, values: [value] };
}

/** Edge's `"entry": [{name, value}, …]`; absent means none. Duplicate names are refused (one would silently win). */
export function readEntryList(fields: JsonFields): KvmEntryInput[] {
  const list = fields.entry;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid('entry: expected a list of {"name", "value"}');
  const entries = list.map((item: unknown, index) => readEntryInput(toJsonFields(item, `entry[${index}]`), `entry[${index}].`));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) throw invalid(`entry: ${JSON.stringify(entry.name)} appears more than once`);
    seen.add(entry.name);
  }
  return entries;
}

/** `encrypted`: a boolean, or the strings "true"/"false" Edge's own examples send. */
export function readEncrypted(fields: JsonFields): boolean {
  const value = fields.encrypted;
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalid('encrypted: expected true or false');
}
