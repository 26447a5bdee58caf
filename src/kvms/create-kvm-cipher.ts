// Encryption at rest of encrypted key value maps: AES-256-GCM under a subkey of the master key, bound (AAD) to the entry's map and name.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface KvmCipher {
  /** base64 of IV (12 bytes) + tag (16 bytes) + ciphertext of the JSON values. */
  encrypt(values: readonly string[], boundTo: string): string;
  /** Throws when the text was altered or was written for another entry. */
  decrypt(text: string, boundTo: string): string[];
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** `masterKey`: the gateway's master key (loadMasterKey); KVMs use their own HKDF subkey (RFC 5869) of it. */
export function createKvmCipher(masterKey: Uint8Array): KvmCipher {
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'baton kvm seal v1', 32));
  return {
    encrypt(values, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    decrypt(text, boundTo) {
      const bytes = Buffer.from(text, 'base64');
      if (bytes.byteLength < IV_BYTES + TAG_BYTES) throw new Error('KVM ciphertext is truncated');
      // A fixed tag length: Node would otherwise accept truncated tags, which are easier to forge.
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      const values: unknown = JSON.parse(plain);
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw new Error('KVM ciphertext does not hold a list of strings');
      return values as string[];
    },
  };
}
