// IPv4 and IPv6 addresses as 128-bit integers, and CIDR matching, for AccessControl.
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

/** Parses a literal IPv4 or IPv6 address; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is read as IPv4. */
export function parseIpAddress(text: string): IpAddress | undefined {
  let candidate = text.trim();
  // A zone index (`fe80::1%eth0`) names an interface, not part of the address.
  const zone = candidate.indexOf('%');
  if (zone !== -1) candidate = candidate.slice(0, zone);
  if (candidate.startsWith('[') && candidate.endsWith(']')) candidate = candidate.slice(1, -1);
  if (isIPv4(candidate)) return { version: 4, value: ipv4Value(candidate) };
  if (!isIPv6(candidate)) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(candidate);
  if (mapped?.[1] && isIPv4(mapped[1])) return { version: 4, value: ipv4Value(mapped[1]) };
  return { version: 6, value: ipv6Value(candidate) };
}

export interface IpRange {
  readonly version: 4 | 6;
  readonly network: bigint;
  readonly mask: bigint;
}

/** The range `address/prefixLength`; undefined when the prefix length does not fit the address family. */
export function toIpRange(address: IpAddress, prefixLength: number): IpRange | undefined {
  const bits = address.version === 4 ? 32 : 128;
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) return undefined;
  const all = (1n << BigInt(bits)) - 1n;
  const mask = prefixLength === 0 ? 0n : (all << BigInt(bits - prefixLength)) & all;
  return { version: address.version, network: address.value & mask, mask };
}

export function isInRange(address: IpAddress, range: IpRange): boolean {
  return address.version === range.version && (address.value & range.mask) === range.network;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Value(text: string): bigint {
  let normalized = text;
  // An embedded IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) stands for the last two 16-bit groups.
  const lastColon = normalized.lastIndexOf(':');
  const last = normalized.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = Number(ipv4Value(last));
    normalized = `${normalized.slice(0, lastColon + 1)}${((v4 >>> 16) & 0xffff).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const toWords = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const gap = normalized.indexOf('::');
  let words: number[];
  if (gap === -1) words = toWords(normalized);
  else {
    const left = toWords(normalized.slice(0, gap));
    const right = toWords(normalized.slice(gap + 2));
    words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  return words.reduce((acc, word) => (acc << 16n) | BigInt(word), 0n);
}
