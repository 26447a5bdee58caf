// AccessControl per request: picks the addresses to check (variable; True-Client-IP or X-Forwarded-For plus the peer when the peer is a trusted proxy; else the peer) and applies the first matching rule.
import { compileTemplate } from '../../engine/template/compile-template.js';
import type { FlowContext } from '../../engine/flow-context.js';
import { runtimeFault, type PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { isInRange, parseIpAddress, toIpRange, type IpAddress, type IpRange } from './ip-address.js';
import { parseAccessControl, type AccessControlConfig, type IpRuleAction, type SourceAddressConfig } from './parse.js';

/** One <SourceAddress>: a range fixed at deploy, or one rendered from templates per request. */
type CompiledSource = (flow: FlowContext) => IpRange | undefined;

export function compileAccessControl(config: AccessControlConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const rules = config.matchRules.map((rule) => ({ action: rule.action, sources: rule.sourceAddresses.map(compileSource) }));
  const decide = (flow: FlowContext, ip: IpAddress): IpRuleAction => {
    for (const rule of rules) {
      if (rule.sources.some((source) => {
        const range = source(flow);
        return range !== undefined && isInRange(ip, range);
      })) return rule.action;
    }
    return config.noRuleMatchAction;
  };
  // AccessControl reference, fault variables: `acl.<policy>.failed`.
  const fail = (flow: FlowContext, fault: PolicyFault): PolicyFault => {
    flow.setVariable(`acl.${policyName}.failed`, true);
    return fault;
  };
  const variable = config.clientIpVariable;
  const isTrustedProxy = ctx.services.isTrustedProxy;

  return {
    readsContent: variable !== undefined && isContentVariable(variable),
    execute(flow) {
      let candidates: string[];
      if (variable !== undefined) {
        const value = flow.getVariable(variable);
        const ip = value === undefined || value === null ? undefined : parseIpAddress(String(value));
        if (!ip) throw fail(flow, runtimeFault('InvalidIPAddressInVariable', [value === undefined || value === null ? '(unset)' : String(value), variable]));
        candidates = [String(value).trim()];
      } else {
        candidates = isTrustedProxy(flow.init.clientIp) ? toHeaderCandidates(flow, config) : [flow.init.clientIp];
      }
      for (const candidate of candidates) {
        // Header-based addresses that are not IPs are ignored (AccessControl reference, "Handling of invalid IP addresses").
        const ip = parseIpAddress(candidate);
        if (!ip) continue;
        if (decide(flow, ip) === 'DENY') throw fail(flow, runtimeFault('IPDeniedAccess', [candidate]));
      }
    },
  };
}

/**
 * The addresses evaluated without <ClientIPVariable> when the TCP peer is a trusted proxy: a valid True-Client-IP
 * unless ignored; otherwise X-Forwarded-For as Apigee sees it, i.e. as received plus the address of the peer
 * appended. Apigee can believe these headers because its own edge sets them; Baton believes them only from the
 * proxies listed in dataplane.trustedProxies, or any client could name the address it is checked under.
 */
function toHeaderCandidates(flow: FlowContext, config: AccessControlConfig): string[] {
  const headers = flow.request.headers;
  if (!config.ignoreTrueClientIpHeader) {
    const trueClientIp = headers.get('true-client-ip')?.trim();
    if (trueClientIp && parseIpAddress(trueClientIp)) return [trueClientIp];
  }
  const forwarded = headers.getAll('x-forwarded-for').flatMap((line) => line.split(',')).map((part) => part.trim()).filter((part) => part !== '');
  const chain = [...forwarded, flow.init.clientIp];
  if (config.validateBasedOn === 'X_FORWARDED_FOR_FIRST_IP') return chain.slice(0, 1);
  if (config.validateBasedOn === 'X_FORWARDED_FOR_LAST_IP') return chain.slice(-1);
  return chain;
}

function compileSource(source: SourceAddressConfig): CompiledSource {
  const address = compileTemplate(source.address);
  const mask = source.mask === undefined ? undefined : compileTemplate(source.mask);
  const toRange = (addressText: string, maskText: string | undefined): IpRange | undefined => {
    const ip = parseIpAddress(addressText);
    if (!ip) return undefined;
    if (maskText === undefined || maskText.trim() === '') return toIpRange(ip, ip.version === 4 ? 32 : 128);
    return /^\d{1,3}$/.test(maskText.trim()) ? toIpRange(ip, Number(maskText.trim())) : undefined;
  };
  if (address.isStatic && (mask === undefined || mask.isStatic)) {
    const range = toRange(source.address, source.mask);
    return () => range;
  }
  // A templated address or mask that does not resolve to a usable range matches nothing.
  return (flow) => toRange(address.render(flow), mask?.render(flow));
}

export const accessControlPolicy: PolicyType<AccessControlConfig> = {
  type: 'AccessControl',
  parse: parseAccessControl,
  compile: compileAccessControl,
};
