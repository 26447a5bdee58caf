// The one record that proves the master key is the one the stored secrets (API credentials, encrypted KVM entries) were sealed with.
import { ConfigError } from '../errors.js';
import type { Store, StoreOp } from '../store/store.js';
import type { KeyVault } from './create-key-vault.js';
import { masterKeyCheckCollection, masterKeyCheckKey, masterKeyCheckText } from './developer-records.js';

export const masterKeyMismatchMessage =
  'the master key does not match the one the stored API keys and encrypted KVM entries were sealed with: '
  + 'restore BATON_MASTER_KEY (or <dataDir>/secrets/master.key when BATON_MASTER_KEY is unset) from its backup';

/**
 * The op that writes the check record, to add to the commit that stores the first secret (a credential or an
 * encrypted KVM entry); [] once the record exists. Two first commits racing both write a valid record.
 */
export function toMasterKeyCheckOps(store: Store, vault: KeyVault): StoreOp[] {
  if (store.get(masterKeyCheckCollection, masterKeyCheckKey) !== undefined) return [];
  return [{ collection: masterKeyCheckCollection, key: masterKeyCheckKey, value: vault.seal(masterKeyCheckText, masterKeyCheckKey) }];
}

/** Throws ConfigError (the gateway refuses to start) when the stored check record does not open with this key. */
export function assertMasterKeyMatches(store: Store, vault: KeyVault): void {
  const check = store.get<string>(masterKeyCheckCollection, masterKeyCheckKey);
  if (check === undefined) return;
  let opened: string | undefined;
  try {
    opened = vault.open(check, masterKeyCheckKey);
  } catch {
    opened = undefined;
  }
  if (opened !== masterKeyCheckText) throw new ConfigError([masterKeyMismatchMessage]);
}
