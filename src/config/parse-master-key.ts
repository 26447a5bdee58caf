// Reads BATON_MASTER_KEY: the key that seals secrets at rest (API keys, encrypted KVMs); it is never written to the store.
import type { ConfigProblems } from './config-reader.js';
import { configEnvNames } from './default-config.js';
import { readEnv } from './parse-settings.js';

/** AES-256 and HMAC-SHA-256 both take 32-byte keys. */
export const masterKeyBytes = 32;

/** 64 hex digits, or base64/base64url of exactly 32 bytes; undefined for anything else. */
export function toMasterKeyBytes(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === masterKeyBytes ? bytes : undefined;
}

/**
 * The master key from the environment as canonical base64, or undefined when BATON_MASTER_KEY is unset (Baton then
 * creates `<dataDir>/secrets/master.key`). A bad value is reported without echoing it: it is a secret.
 */
export function parseMasterKey(problems: ConfigProblems, env: NodeJS.ProcessEnv): string | undefined {
  const text = readEnv(env, configEnvNames.masterKey);
  if (text === undefined) return undefined;
  const bytes = toMasterKeyBytes(text);
  if (!bytes) {
    problems.add(configEnvNames.masterKey, `expected ${masterKeyBytes} random bytes written as 64 hex digits or as base64 (44 characters)`);
    return undefined;
  }
  // An all-equal key (e.g. 64 zeros pasted from an example) is almost certainly not random.
  if (bytes.every((byte) => byte === bytes[0])) {
    problems.add(configEnvNames.masterKey, 'expected random bytes (e.g. `openssl rand -base64 32`), got one byte repeated');
    return undefined;
  }
  return bytes.toString('base64');
}
