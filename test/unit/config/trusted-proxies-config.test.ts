// dataplane.trustedProxies: IP addresses and CIDR ranges whose True-Client-IP / X-Forwarded-For AccessControl honours; empty by default.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import { configProblems } from './config-problems.js';


describe('dataplane.trustedProxies', () => {
  it('is empty by default: no forwarded address is trusted', () => {
    expect(parseConfig(undefined, {}, '/srv/baton').dataplane.trustedProxies).toEqual([]);
  });

  it('accepts IPv4 and IPv6 addresses and CIDR ranges', () => {
    const config = parseConfig({ dataplane: { trustedProxies: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1'] } }, {}, '/srv/baton');
    expect(config.dataplane.trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1']);
  });

  it('reports every entry that is not an address or range, by index', () => {
    expect(configProblems({ dataplane: { trustedProxies: ['10.0.0.0/33', 'proxy.internal', 7, '2001:db8::/129'] } })).toEqual([
      'dataplane.trustedProxies[0]: expected an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32), got "10.0.0.0/33"',
      'dataplane.trustedProxies[1]: expected an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32), got "proxy.internal"',
      'dataplane.trustedProxies[2]: expected an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32), got 7',
      'dataplane.trustedProxies[3]: expected an IP address or CIDR range (10.0.0.0/8, 2001:db8::/32), got "2001:db8::/129"',
    ]);
    expect(configProblems({ dataplane: { trustedProxies: '10.0.0.1' } })).toEqual(['dataplane.trustedProxies: expected an array of IP addresses or CIDR ranges, got "10.0.0.1"']);
  });
});
