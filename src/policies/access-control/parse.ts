// AccessControl at import: XML → AccessControlConfig; literal addresses and masks are checked here, templated ones at run time.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { checkTemplate } from '../shared/compile-policy-template.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';
import { parseIpAddress, toIpRange } from './ip-address.js';

export type IpRuleAction = 'ALLOW' | 'DENY';
export const VALIDATE_BASED_ON = ['X_FORWARDED_FOR_ALL_IP', 'X_FORWARDED_FOR_FIRST_IP', 'X_FORWARDED_FOR_LAST_IP'] as const;
export type ValidateBasedOn = (typeof VALIDATE_BASED_ON)[number];

/** `<SourceAddress mask="…">address</SourceAddress>`; both may be message templates. */
export interface SourceAddressConfig {
  readonly address: string;
  /** Absent: the whole address (32 bits for IPv4, 128 for IPv6). */
  readonly mask?: string;
}

export interface MatchRuleConfig {
  readonly action: IpRuleAction;
  readonly sourceAddresses: readonly SourceAddressConfig[];
}

export interface AccessControlConfig {
  /** Default false: a valid True-Client-IP header is the address evaluated. */
  readonly ignoreTrueClientIpHeader: boolean;
  /** A variable holding the one address to evaluate instead of the headers. */
  readonly clientIpVariable?: string;
  readonly validateBasedOn: ValidateBasedOn;
  /** Default ALLOW (also when there is no <IPRules>). */
  readonly noRuleMatchAction: IpRuleAction;
  /** In document order: the first rule with a matching address decides. */
  readonly matchRules: readonly MatchRuleConfig[];
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'IgnoreTrueClientIPHeader', 'ClientIPVariable', 'IPRules', 'ValidateBasedOn']);

export function parseAccessControl(el: XmlElement, ctx: PolicyParseContext): AccessControlConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const ipRules = childElements(el, 'IPRules');
  if (ipRules.length > 1) report('<IPRules> appears more than once');
  const rules = ipRules[0];
  if (rules) reportUnknownChildren(rules, new Set(['MatchRule']), report);
  const clientIpVariable = childElements(el, 'ClientIPVariable')[0]?.text.trim();
  return {
    ignoreTrueClientIpHeader: parseBooleanChild(el, 'IgnoreTrueClientIPHeader', false, report),
    clientIpVariable: clientIpVariable || undefined,
    validateBasedOn: parseValidateBasedOn(el, report),
    noRuleMatchAction: rules ? parseAction(attr(rules, 'noRuleMatchAction'), '<IPRules noRuleMatchAction>', report) : 'ALLOW',
    matchRules: rules ? childElements(rules, 'MatchRule').map((rule) => parseMatchRule(rule, report)) : [],
  };
}

function parseValidateBasedOn(el: XmlElement, report: PolicyReport): ValidateBasedOn {
  const text = childElements(el, 'ValidateBasedOn')[0]?.text.trim();
  if (!text) return 'X_FORWARDED_FOR_ALL_IP';
  if ((VALIDATE_BASED_ON as readonly string[]).includes(text)) return text as ValidateBasedOn;
  report(`<ValidateBasedOn> must be one of ${VALIDATE_BASED_ON.join(', ')}, got "${text}"`);
  return 'X_FORWARDED_FOR_ALL_IP';
}

function parseAction(text: string | undefined, where: string, report: PolicyReport): IpRuleAction {
  const value = text?.trim().toUpperCase();
  if (value === undefined || value === '') return 'ALLOW';
  if (value === 'ALLOW' || value === 'DENY') return value;
  report(`${where} must be ALLOW or DENY, got "${text}"`);
  return 'ALLOW';
}

function parseMatchRule(el: XmlElement, report: PolicyReport): MatchRuleConfig {
  reportUnknownChildren(el, new Set(['SourceAddress']), report);
  const action = parseAction(attr(el, 'action'), '<MatchRule action>', report);
  const sourceAddresses = childElements(el, 'SourceAddress').flatMap((source): SourceAddressConfig[] => {
    const address = source.text.trim();
    const mask = attr(source, 'mask')?.trim() || undefined;
    if (address === '') {
      report('<SourceAddress> needs an IP address');
      return [];
    }
    const addressIsStatic = checkTemplate(address, '<SourceAddress>', report);
    const maskIsStatic = mask === undefined ? true : checkTemplate(mask, '<SourceAddress mask>', report);
    if (addressIsStatic === undefined || maskIsStatic === undefined) return [];
    if (addressIsStatic && maskIsStatic) {
      const problem = checkSourceAddress(address, mask);
      if (problem) {
        report(`<SourceAddress mask="${mask ?? ''}">${address}</SourceAddress>: ${problem}`);
        return [];
      }
    }
    return [{ address, mask }];
  });
  if (sourceAddresses.length === 0 && childElements(el, 'SourceAddress').length === 0) report('<MatchRule> needs at least one <SourceAddress>');
  return { action, sourceAddresses };
}

/** Why a literal address/mask pair is unusable, or undefined when it is fine. */
export function checkSourceAddress(address: string, mask: string | undefined): string | undefined {
  const ip = parseIpAddress(address);
  if (!ip) return `"${address}" is not an IPv4 or IPv6 address`;
  if (mask === undefined) return undefined;
  if (!/^\d{1,3}$/.test(mask) || !toIpRange(ip, Number(mask))) return `mask must be 0-${ip.version === 4 ? 32 : 128} for an IPv${ip.version} address, got "${mask}"`;
  return undefined;
}
