// SpikeArrest per request: resolves the rate, identifier and weight, asks the environment's counters, raises SpikeArrestViolation.
import type { FlowContext } from '../../engine/flow-context.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { readRefText, resolveIdentifier, resolveMessageWeight, toRateLimitFault } from '../shared/rate-limit-inputs.js';
import { toRateLimitPolicy } from '../shared/to-rate-limit-policy.js';
import { parseSpikeArrest, parseSpikeArrestRate, type SpikeArrestConfig, type SpikeArrestRate } from './parse.js';

/** Apigee's description of a rate in its violation message (a Java `MessageRate`). */
function toMessageRate(rate: SpikeArrestRate, useEffectiveCount: boolean): string {
  const burst = useEffectiveCount ? rate.count : 1;
  return `MessageRate{messagesPerPeriod=${rate.count}, periodInMicroseconds=${rate.periodMs * 1000}, maxBurstMessageCount=${burst}.0}`;
}

export function compileSpikeArrest(config: SpikeArrestConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const { services } = ctx;
  // Counters live in the environment's services under (proxy, policy): a new revision keeps counting where the old one was.
  const scope = { apiName: ctx.apiName, policyName };
  const prefix = `ratelimit.${policyName}`;
  const { rate, useEffectiveCount } = config;

  const resolveRate = (flow: FlowContext): SpikeArrestRate => {
    const text = readRefText(flow, rate.ref);
    const fromRef = text === undefined ? undefined : parseSpikeArrestRate(text);
    if (fromRef) return fromRef;
    if (rate.value) return rate.value;
    if (text !== undefined) throw toRateLimitFault('InvalidAllowedRate', [text], policyName);
    throw toRateLimitFault('FailedToResolveSpikeArrestRate', [rate.ref ?? 'null', policyName], policyName);
  };

  const check = (flow: FlowContext): void => {
    const resolved = resolveRate(flow);
    const weight = resolveMessageWeight(flow, config.messageWeight, policyName);
    const identifier = resolveIdentifier(flow, config.identifierRef);
    const outcome = services.rateLimits.consumeSpikeArrest(scope, identifier, {
      rate: resolved.count, periodMs: resolved.periodMs, weight, useEffectiveCount,
    }, services.now());
    if (useEffectiveCount) {
      flow.setVariable(`${prefix}.allowed.count`, outcome.allowCount);
      flow.setVariable(`${prefix}.used.count`, outcome.usedCount);
      flow.setVariable(`${prefix}.exceed.count`, outcome.exceedCount);
      flow.setVariable(`${prefix}.expiry.time`, outcome.expiryTime);
    }
    flow.setVariable(`${prefix}.failed`, !outcome.allowed);
    if (!outcome.allowed) throw toRateLimitFault('SpikeArrestViolation', [toMessageRate(resolved, useEffectiveCount)], policyName, services.rateLimitStatus);
  };

  return toRateLimitPolicy(policyName, [rate.ref, config.identifierRef, config.messageWeight?.ref], check);
}

export const spikeArrestPolicy: PolicyType<SpikeArrestConfig> = {
  type: 'SpikeArrest',
  parse: parseSpikeArrest,
  compile: compileSpikeArrest,
};
