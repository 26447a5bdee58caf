// Template functions built on node:crypto: hashes, HMACs, createUuid and randomLong.

import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { compileArgument, readText, type TemplateFunction } from './template-function.js';

type OutputEncoding = 'hex' | 'base64' | 'base64url';
type KeyEncoding = 'utf8' | 'hex' | 'base64';

/** `<algorithm>Hex(text)` and `<algorithm>Base64(text)`: the digest of the UTF-8 bytes. */
function hashFunction(algorithm: string, encoding: OutputEncoding): TemplateFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    compile: ([arg]) => (vars) => {
      const text = readText(arg!, vars);
      return text === undefined ? undefined : createHash(algorithm).update(text, 'utf8').digest(encoding);
    },
  };
}

function toKeyEncoding(name: string): KeyEncoding {
  switch (name.trim().toLowerCase()) {
    case 'utf8':
    case 'utf-8':
      return 'utf8';
    case 'hex':
    case 'base16':
      return 'hex';
    case 'base64':
      return 'base64';
    default:
      throw new Error(`unknown key encoding "${name}" (expected utf8, hex, base16 or base64)`);
  }
}

function toOutputEncoding(name: string): OutputEncoding {
  switch (name.trim().toLowerCase()) {
    case 'hex':
    case 'base16':
      return 'hex';
    case 'base64':
      return 'base64';
    case 'base64url':
      return 'base64url';
    default:
      throw new Error(`unknown output encoding "${name}" (expected hex, base16, base64 or base64url)`);
  }
}

function decodeKey(key: string, encoding: KeyEncoding): Buffer | undefined {
  if (encoding === 'hex' && !/^(?:[0-9a-fA-F]{2})*$/.test(key)) return undefined;
  if (encoding === 'base64' && !/^[A-Za-z0-9+/_-]*={0,2}$/.test(key)) return undefined;
  return Buffer.from(key, encoding);
}

/** `hmacSha256(key, valueToSign[, keyEncoding[, outputEncoding]])`: key UTF-8 and output Base64 unless told otherwise. */
function hmacFunction(algorithm: string): TemplateFunction {
  return {
    minArgs: 2,
    maxArgs: 4,
    compile: ([keyArg, valueArg, keyEncodingArg, outputEncodingArg]) => {
      const keyEncoding = keyEncodingArg === undefined ? () => 'utf8' as const : compileArgument(keyEncodingArg, toKeyEncoding);
      const outputEncoding = outputEncodingArg === undefined ? () => 'base64' as const : compileArgument(outputEncodingArg, toOutputEncoding);
      return (vars) => {
        const keyText = readText(keyArg!, vars);
        const value = readText(valueArg!, vars);
        const keyEncodingName = keyEncoding(vars);
        const outputEncodingName = outputEncoding(vars);
        if (keyText === undefined || value === undefined || keyEncodingName === undefined || outputEncodingName === undefined) return undefined;
        const key = decodeKey(keyText, keyEncodingName);
        if (key === undefined) return undefined;
        return createHmac(algorithm, key).update(value, 'utf8').digest(outputEncodingName);
      };
    },
  };
}

const LONG_MIN = -(2n ** 63n);
const LONG_BOUND = 2n ** 63n;
const TWO_TO_64 = 2n ** 64n;

function parseLong(text: string | undefined): bigint | undefined {
  const trimmed = text?.trim();
  if (trimmed === undefined || !/^-?\d+$/.test(trimmed)) return undefined;
  const value = BigInt(trimmed);
  return value >= LONG_MIN && value < LONG_BOUND ? value : undefined;
}

/** A uniform draw from [min, bound), by rejection sampling over 64 random bits. */
function randomInRange(min: bigint, bound: bigint): bigint {
  const range = bound - min;
  const limit = TWO_TO_64 - (TWO_TO_64 % range);
  for (;;) {
    const draw = randomBytes(8).readBigUInt64BE();
    if (draw < limit) return min + (draw % range);
  }
}

/** `randomLong()`: [0, 2^63); `randomLong(min)`: [min, 2^63); `randomLong(min, max)`: [min, max). */
const randomLong: TemplateFunction = {
  minArgs: 0,
  maxArgs: 2,
  compile: ([minArg, maxArg]) => (vars) => {
    const min = minArg === undefined ? 0n : parseLong(readText(minArg, vars));
    const bound = maxArg === undefined ? LONG_BOUND : parseLong(readText(maxArg, vars));
    if (min === undefined || bound === undefined || min >= bound) return undefined;
    return randomInRange(min, bound).toString();
  },
};

export const cryptoFunctions: Readonly<Record<string, TemplateFunction>> = {
  md5Hex: hashFunction('md5', 'hex'),
  sha1Hex: hashFunction('sha1', 'hex'),
  sha256Hex: hashFunction('sha256', 'hex'),
  sha384Hex: hashFunction('sha384', 'hex'),
  sha512Hex: hashFunction('sha512', 'hex'),
  md5Base64: hashFunction('md5', 'base64'),
  sha1Base64: hashFunction('sha1', 'base64'),
  sha256Base64: hashFunction('sha256', 'base64'),
  sha384Base64: hashFunction('sha384', 'base64'),
  sha512Base64: hashFunction('sha512', 'base64'),
  hmacMd5: hmacFunction('md5'),
  hmacSha1: hmacFunction('sha1'),
  hmacSha224: hmacFunction('sha224'),
  hmacSha256: hmacFunction('sha256'),
  hmacSha384: hmacFunction('sha384'),
  hmacSha512: hmacFunction('sha512'),
  createUuid: { minArgs: 0, maxArgs: 0, compile: () => () => randomUUID() },
  randomLong,
};
