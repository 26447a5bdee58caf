// AccessControl: parsing of rules and masks, IPv4/IPv6 CIDR matching, the addresses evaluated, and the IPDeniedAccess fault.
import { describe, expect, it } from 'vitest';
import { Message } from '../../../../src/engine/message.js';
import { accessControlPolicy } from '../../../../src/policies/access-control/execute.js';
import { isInRange, parseIpAddress, toIpRange } from '../../../../src/policies/access-control/ip-address.js';
import { compileTrustedProxies } from '../../../../src/policies/access-control/trusted-proxies.js';
import type { PolicyServices } from '../../../../src/policies/policy-services.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext, executeExpectingFault, parsePolicy } from '../policy-test-kit.js';

const acl = (rules: string, extra = '', noMatch = 'ALLOW') => `<AccessControl name="ACL">${extra}<IPRules noRuleMatchAction="${noMatch}">${rules}</IPRules></AccessControl>`;

function from(clientIp: string, headers: Record<string, string> = {}) {
  const message = new Message('request');
  for (const [name, value] of Object.entries(headers)) message.headers.set(name, value);
  return createFlowContext({ request: message, clientIp });
}

/** A gateway behind proxies in 10.0.0.0/8 and 192.0.2.0/24 (dataplane.trustedProxies). */
const behindProxies = createTestPolicyServices({ isTrustedProxy: compileTrustedProxies(['10.0.0.0/8', '192.0.2.0/24']) });

async function isDenied(xml: string, ctx: ReturnType<typeof from>, services?: PolicyServices): Promise<boolean> {
  try {
    await compilePolicy(accessControlPolicy, xml, services ? { services } : {}).execute(ctx);
    return false;
  } catch (err) {
    expect(err).toMatchObject({ errorCode: 'accesscontrol.IPDeniedAccess', status: 403 });
    return true;
  }
}

describe('IP ranges', () => {
  it('matches IPv4 masks, IPv6 masks and IPv4-mapped IPv6 addresses', () => {
    const v4 = toIpRange(parseIpAddress('198.51.100.1')!, 30)!;
    expect(['198.51.100.0', '198.51.100.3'].map((ip) => isInRange(parseIpAddress(ip)!, v4))).toEqual([true, true]);
    expect(isInRange(parseIpAddress('198.51.100.4')!, v4)).toBe(false);
    expect(isInRange(parseIpAddress('::ffff:198.51.100.2')!, v4)).toBe(true);
    const v6 = toIpRange(parseIpAddress('2001:db8:abcd::1')!, 48)!;
    expect(isInRange(parseIpAddress('2001:db8:abcd:12::7')!, v6)).toBe(true);
    expect(isInRange(parseIpAddress('2001:db8:abce::1')!, v6)).toBe(false);
    expect(parseIpAddress('::ffff:0:1.2.3.4')?.version).toBe(6);
    expect(parseIpAddress('pwned')).toBeUndefined();
    expect(toIpRange(parseIpAddress('10.0.0.1')!, 33)).toBeUndefined();
  });
});

describe('AccessControl parse', () => {
  it('reads rules in order with their masks', () => {
    const { config, problems } = parsePolicy(accessControlPolicy, acl('<MatchRule action="DENY"><SourceAddress mask="24">198.51.100.1</SourceAddress></MatchRule>'));
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ noRuleMatchAction: 'ALLOW', validateBasedOn: 'X_FORWARDED_FOR_ALL_IP', ignoreTrueClientIpHeader: false,
      matchRules: [{ action: 'DENY', sourceAddresses: [{ address: '198.51.100.1', mask: '24' }] }] });
  });

  it('reports bad actions, addresses and masks by element', () => {
    const { problems } = parsePolicy(accessControlPolicy, acl(`<MatchRule action="BLOCK"><SourceAddress mask="40">10.0.0.1</SourceAddress>
      <SourceAddress>not-an-ip</SourceAddress></MatchRule>`, '<ValidateBasedOn>ALL</ValidateBasedOn>', 'MAYBE'));
    expect(problems).toEqual([
      'AccessControl ACL: <ValidateBasedOn> must be one of X_FORWARDED_FOR_ALL_IP, X_FORWARDED_FOR_FIRST_IP, X_FORWARDED_FOR_LAST_IP, got "ALL"',
      'AccessControl ACL: <IPRules noRuleMatchAction> must be ALLOW or DENY, got "MAYBE"',
      'AccessControl ACL: <MatchRule action> must be ALLOW or DENY, got "BLOCK"',
      'AccessControl ACL: <SourceAddress mask="40">10.0.0.1</SourceAddress>: mask must be 0-32 for an IPv4 address, got "40"',
      'AccessControl ACL: <SourceAddress mask="">not-an-ip</SourceAddress>: "not-an-ip" is not an IPv4 or IPv6 address',
    ]);
  });
});

describe('AccessControl execute', () => {
  const denySubnetAllowOne = acl(`<MatchRule action="ALLOW"><SourceAddress mask="32">198.51.100.7</SourceAddress></MatchRule>
    <MatchRule action="DENY"><SourceAddress mask="24">198.51.100.1</SourceAddress></MatchRule>`);

  it('applies the first matching rule, then noRuleMatchAction', async () => {
    expect(await isDenied(denySubnetAllowOne, from('198.51.100.7'))).toBe(false);
    expect(await isDenied(denySubnetAllowOne, from('198.51.100.8'))).toBe(true);
    expect(await isDenied(denySubnetAllowOne, from('203.0.113.9'))).toBe(false);
  });

  it('names the denied address in the fault and sets acl.<policy>.failed', async () => {
    const ctx = from('198.51.100.8');
    const fault = await executeExpectingFault(compilePolicy(accessControlPolicy, denySubnetAllowOne), ctx);
    expect(fault).toMatchObject({ faultName: 'IPDeniedAccess', message: 'Access Denied for client ip : 198.51.100.8' });
    expect(ctx.getVariable('acl.ACL.failed')).toBe(true);
  });

  it('from a trusted proxy, checks every X-Forwarded-For address plus the peer, ignoring strings that are not IPs', async () => {
    const allowOnly = acl('<MatchRule action="ALLOW"><SourceAddress mask="8">10.0.0.0</SourceAddress></MatchRule>', '', 'DENY');
    expect(await isDenied(allowOnly, from('10.1.1.1', { 'x-forwarded-for': '10.9.9.9, pwned' }), behindProxies)).toBe(false);
    // A spoofed allowed address does not help a peer outside the list.
    expect(await isDenied(allowOnly, from('192.0.2.1', { 'x-forwarded-for': '10.9.9.9' }), behindProxies)).toBe(true);
    expect(await isDenied(allowOnly, from('10.1.1.1', { 'x-forwarded-for': '192.0.2.1' }), behindProxies)).toBe(true);
    const firstOnly = acl('<MatchRule action="ALLOW"><SourceAddress mask="8">10.0.0.0</SourceAddress></MatchRule>', '<ValidateBasedOn>X_FORWARDED_FOR_FIRST_IP</ValidateBasedOn>', 'DENY');
    expect(await isDenied(firstOnly, from('192.0.2.1', { 'x-forwarded-for': '10.9.9.9, 192.0.2.5' }), behindProxies)).toBe(false);
    const lastOnly = acl('<MatchRule action="ALLOW"><SourceAddress mask="8">10.0.0.0</SourceAddress></MatchRule>', '<ValidateBasedOn>X_FORWARDED_FOR_LAST_IP</ValidateBasedOn>', 'DENY');
    expect(await isDenied(lastOnly, from('192.0.2.1', { 'x-forwarded-for': '10.9.9.9' }), behindProxies)).toBe(true);
  });

  it('from a trusted proxy, evaluates a valid True-Client-IP alone unless IgnoreTrueClientIPHeader is true', async () => {
    const denyOne = acl('<MatchRule action="DENY"><SourceAddress>203.0.113.5</SourceAddress></MatchRule>');
    expect(await isDenied(denyOne, from('10.0.0.1', { 'true-client-ip': '203.0.113.5' }), behindProxies)).toBe(true);
    expect(await isDenied(acl('<MatchRule action="DENY"><SourceAddress>203.0.113.5</SourceAddress></MatchRule>', '<IgnoreTrueClientIPHeader>true</IgnoreTrueClientIPHeader>'),
      from('10.0.0.1', { 'true-client-ip': '203.0.113.5' }), behindProxies)).toBe(false);
  });

  it('from any other peer (and by default), checks only the peer: client-sent True-Client-IP and X-Forwarded-For cannot bypass a rule', async () => {
    const denyPeer = acl('<MatchRule action="DENY"><SourceAddress mask="24">198.51.100.0</SourceAddress></MatchRule>');
    expect(await isDenied(denyPeer, from('198.51.100.9', { 'true-client-ip': '203.0.113.5' }))).toBe(true);
    expect(await isDenied(denyPeer, from('198.51.100.9', { 'x-forwarded-for': '203.0.113.5' }))).toBe(true);
    expect(await isDenied(denyPeer, from('198.51.100.9', { 'true-client-ip': '203.0.113.5' }), behindProxies)).toBe(true);
    const denyForwarded = acl('<MatchRule action="DENY"><SourceAddress>203.0.113.5</SourceAddress></MatchRule>');
    // A forged header naming a denied address does not get an innocent peer refused either.
    expect(await isDenied(denyForwarded, from('198.51.100.9', { 'x-forwarded-for': '203.0.113.5' }))).toBe(false);
    expect(await isDenied(denyForwarded, from('10.0.0.1', { 'x-forwarded-for': '203.0.113.5' }), behindProxies)).toBe(true);
  });

  it('uses ClientIPVariable and faults on an invalid address there', async () => {
    const xml = acl('<MatchRule action="ALLOW"><SourceAddress mask="32">10.11.12.13</SourceAddress></MatchRule>', '<ClientIPVariable>custom.ip</ClientIPVariable>', 'DENY');
    const allowed = from('192.0.2.1');
    allowed.setVariable('custom.ip', '10.11.12.13');
    expect(await isDenied(xml, allowed)).toBe(false);
    const bad = from('10.11.12.13');
    bad.setVariable('custom.ip', 'pwned');
    expect(await executeExpectingFault(compilePolicy(accessControlPolicy, xml), bad)).toMatchObject({ errorCode: 'accesscontrol.InvalidIPAddressInVariable', status: 500 });
  });

  it('renders templated addresses and masks per request, and matches IPv6 clients', async () => {
    const xml = acl('<MatchRule action="DENY"><SourceAddress mask="{kvm.mask}">{kvm.ip}</SourceAddress></MatchRule>');
    const ctx = from('2001:db8::42');
    ctx.setVariable('kvm.ip', '2001:db8::');
    ctx.setVariable('kvm.mask', '32');
    expect(await isDenied(xml, ctx)).toBe(true);
    const unresolved = from('2001:db8::42');
    expect(await isDenied(xml, unresolved)).toBe(false);
  });
});
