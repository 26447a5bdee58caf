// Apigee's `crypto` object inside the sandbox. Evaluated inside the sandbox from its source text: it must reference nothing outside itself.

/** Hashing and date formatting are done by the host: `hash(algorithm, text, encoding)` and `formatDate(pattern, timeZone, epochMs)`. */
export interface CryptoHost {
  hash(algorithm: string, text: string, encoding: 'hex' | 'base64'): string;
  formatDate(pattern: string, timeZone: string, epochMs: number): string;
}

export interface ApigeeHash {
  update(value: unknown): void;
  /** Hex digest of everything passed to update. */
  digest(): string;
  /** Base64 digest of everything passed to update. */
  digest64(): string;
}

export interface ApigeeCrypto {
  getMD5(): ApigeeHash;
  getSHA1(): ApigeeHash;
  getSHA256(): ApigeeHash;
  getSHA512(): ApigeeHash;
  /** Java SimpleDateFormat pattern; time zone defaults to UTC, time to now (epoch milliseconds). */
  dateFormat(pattern: unknown, timeZone?: unknown, time?: unknown): string;
}

export function createCryptoObject(host: CryptoHost): ApigeeCrypto {
  const toText = String;
  const makeHash = (algorithm: string): ApigeeHash => {
    let data = '';
    return {
      update(value: unknown) {
        data += value === undefined || value === null ? '' : toText(value);
      },
      digest: () => host.hash(algorithm, data, 'hex'),
      digest64: () => host.hash(algorithm, data, 'base64'),
    };
  };
  return {
    getMD5: () => makeHash('md5'),
    getSHA1: () => makeHash('sha1'),
    getSHA256: () => makeHash('sha256'),
    getSHA512: () => makeHash('sha512'),
    dateFormat(pattern: unknown, timeZone?: unknown, time?: unknown): string {
      const epochMs = time === undefined || time === null ? Date.now() : Number(time);
      if (!Number.isFinite(epochMs)) throw new RangeError(`crypto.dateFormat: time must be epoch milliseconds, got ${toText(time)}`);
      return host.formatDate(toText(pattern), timeZone === undefined || timeZone === null ? 'UTC' : toText(timeZone), epochMs);
    },
  };
}
