// Seals consumer keys and secrets (AES-256-GCM) and indexes keys by HMAC-SHA-256, under subkeys of the master key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface KeyVault {
  /** HMAC-SHA-256 of a consumer key, hex: how a key is found without storing it. Not reversible without the master key. */
  toKeyIndex(consumerKey: string): string;
  /** A short reference to a key for audit entries and messages: a prefix of its index, never the key. */
  toKeyRef(consumerKey: string): string;
  /** Encrypts `plaintext`; `context` is authenticated with it, so a sealed value only opens in the record it was made for. */
  seal(plaintext: string, context: string): string;
  /** Throws when the value was sealed under another master key, for another context, or altered. */
  open(sealed: string, context: string): string;
}

const sealVersion = 'v1';
const ivBytes = 12;

/** Separate subkeys (RFC 5869 HKDF) so that the index key and the encryption key never share a use. */
export function createKeyVault(masterKey: Uint8Array): KeyVault {
  const indexKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'baton api key index v1', 32));
  const sealKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'baton api key seal v1', 32));
  const toKeyIndex = (consumerKey: string): string => createHmac('sha256', indexKey).update(consumerKey, 'utf8').digest('hex');
  return {
    toKeyIndex,
    toKeyRef: (consumerKey) => `key-${toKeyIndex(consumerKey).slice(0, 12)}`,
    seal(plaintext, context) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [sealVersion, iv.toString('base64url'), encrypted.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, iv, encrypted, tag] = sealed.split('.');
      if (version !== sealVersion || iv === undefined || encrypted === undefined || tag === undefined) throw new Error('not a sealed value');
      // A fixed tag length: Node would otherwise accept truncated tags, which are easier to forge.
      const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
      try {
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64url')), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new Error('a sealed value does not open with this master key', { cause: err });
      }
    },
  };
}
