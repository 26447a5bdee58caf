// dataplane.trustedProxies compiled once: is a TCP peer one of the proxies whose True-Client-IP / X-Forwarded-For AccessControl may believe?
import { isInRange, parseIpAddress, toIpRange, type IpRange } from './ip-address.js';

/**
 * `entries` are IP addresses or CIDR ranges, already validated by parseConfig (an entry that does not parse
 * trusts nothing). An empty list trusts no peer.
 */
export function compileTrustedProxies(entries: readonly string[]): (address: string) => boolean {
  const ranges: IpRange[] = [];
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const ip = parseIpAddress(address);
    const range = ip && toIpRange(ip, prefix === undefined ? (ip.version === 4 ? 32 : 128) : Number(prefix));
    if (range) ranges.push(range);
  }
  if (ranges.length === 0) return () => false;
  return (address) => {
    const ip = parseIpAddress(address);
    return ip !== undefined && ranges.some((range) => isInRange(ip, range));
  };
}
