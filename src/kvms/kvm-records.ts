// The durable shape of key value maps in the store: one record per map, one per entry (so a Put rewrites one entry).
import type { KvmScope } from './kvm-scope.js';

export const KVM_COLLECTION = 'kvms';
export const KVM_ENTRY_COLLECTION = 'kvm-entries';

/** Key: the map key (`environment/demo/test/config`). */
export interface KvmRecord {
  readonly name: string;
  readonly scope: KvmScope;
  /** Values of an encrypted map are stored as ciphertext and shown masked. */
  readonly encrypted: boolean;
}

/** Key: map key + `/` + entry name. Exactly one of `values` (plain maps) and `ciphertext` (encrypted maps) is set. */
export interface KvmEntryRecord {
  readonly map: string;
  readonly name: string;
  readonly values?: readonly string[];
  /** AES-256-GCM of the JSON values, bound to this map key and entry name (kvm-cipher.ts). */
  readonly ciphertext?: string;
}

export function toEntryKey(mapKey: string, entry: string): string {
  return `${mapKey}/${entry}`;
}
