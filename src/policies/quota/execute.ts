// Quota per request: resolves limit, interval, unit, identifier and weight, counts on the environment's counters, sets ratelimit.<policy>.*.
import type { FlowContext } from '../../engine/flow-context.js';
import type { QuotaConsumption, QuotaOutcome } from '../../rate-limits/quota-counter.js';
import { parseTimeUnit, type TimeUnit } from '../../rate-limits/time-units.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { readRefText, resolveIdentifier, resolveMessageWeight, toRateLimitFault } from '../shared/rate-limit-inputs.js';
import { parseWholeNumber, type RefOrValue } from '../shared/rate-limit-xml.js';
import { toRateLimitPolicy } from '../shared/to-rate-limit-policy.js';
import { parseQuota, type QuotaAllow, type QuotaConfig } from './parse.js';

/** The limit for this message, and the class that chose it (when `<Class>` matched). */
function resolveAllow(flow: FlowContext, allow: QuotaAllow): { count: number; className?: string } {
  const className = readRefText(flow, allow.classRef);
  const classCount = className === undefined ? undefined : allow.classes.get(className);
  if (classCount !== undefined) return { count: classCount, className };
  const fromRef = parseWholeNumber(readRefText(flow, allow.countRef) ?? '');
  // An unresolved countRef without a literal count is a limit of 0, as in Apigee: every message is refused.
  return { count: fromRef ?? allow.count ?? 0 };
}

export function compileQuota(config: QuotaConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const { services } = ctx;
  // Counters live in the environment's services under (proxy, policy): a new revision keeps counting where the old one was.
  const scope = { apiName: ctx.apiName, policyName };
  const prefix = `ratelimit.${policyName}`;

  /** A `ref` that holds a valid value wins; else the literal; else the fault for an unresolved or an invalid value. */
  const resolve = <T>(flow: FlowContext, source: RefOrValue<T> | undefined, parse: (text: string) => T | undefined, faults: {
    unresolved: 'FailedToResolveQuotaIntervalReference' | 'FailedToResolveQuotaIntervalTimeUnitReference';
    invalid: 'InvalidQuotaInterval' | 'InvalidQuotaTimeUnit';
  }): T => {
    const text = readRefText(flow, source?.ref);
    const fromRef = text === undefined ? undefined : parse(text);
    if (fromRef !== undefined) return fromRef;
    if (source?.value !== undefined) return source.value;
    if (text !== undefined) throw toRateLimitFault(faults.invalid, [text, policyName], policyName);
    throw toRateLimitFault(faults.unresolved, [source?.ref ?? 'null', policyName], policyName);
  };
  const parseInterval = (text: string) => {
    const value = parseWholeNumber(text);
    return value !== undefined && value >= 1 ? value : undefined;
  };

  const publish = (flow: FlowContext, identifier: string, outcome: QuotaOutcome, className: string | undefined) => {
    const values: Array<[string, unknown]> = [
      ['allowed.count', outcome.allowCount],
      ['used.count', outcome.usedCount],
      ['available.count', outcome.availableCount],
      ['exceed.count', outcome.exceedCount],
      ['total.exceed.count', outcome.totalExceedCount],
      ['expiry.time', outcome.expiryTime],
    ];
    for (const [name, value] of values) flow.setVariable(`${prefix}.${name}`, value);
    flow.setVariable(`${prefix}.identifier`, identifier);
    if (className !== undefined) {
      flow.setVariable(`${prefix}.class`, className);
      for (const [name, value] of values) if (name !== 'expiry.time') flow.setVariable(`${prefix}.class.${name}`, value);
    }
    flow.setVariable(`${prefix}.failed`, !outcome.allowed);
  };

  const check = (flow: FlowContext): void => {
    const interval = resolve(flow, config.interval, parseInterval, { unresolved: 'FailedToResolveQuotaIntervalReference', invalid: 'InvalidQuotaInterval' });
    const timeUnit: TimeUnit = resolve(flow, config.timeUnit, parseTimeUnit, { unresolved: 'FailedToResolveQuotaIntervalTimeUnitReference', invalid: 'InvalidQuotaTimeUnit' });
    const allow = resolveAllow(flow, config.allow);
    const weight = resolveMessageWeight(flow, config.messageWeight, policyName);
    const identifier = resolveIdentifier(flow, config.identifierRef);
    const consumption: QuotaConsumption = { type: config.type, interval, timeUnit, startTime: config.startTime, allow: allow.count, weight };
    // A class has its own counter; the length prefix keeps every (class, identifier) key distinct from plain identifiers.
    const counterId = allow.className === undefined ? `i:${identifier}` : `c:${allow.className.length}:${allow.className}:${identifier}`;
    const outcome = services.rateLimits.consumeQuota(scope, counterId, consumption, services.now());
    publish(flow, identifier, outcome, allow.className);
    if (!outcome.allowed) throw toRateLimitFault('QuotaViolation', [identifier], policyName, services.rateLimitStatus);
  };

  const refs = [config.allow.countRef, config.allow.classRef, config.interval?.ref, config.timeUnit?.ref, config.identifierRef, config.messageWeight?.ref];
  return toRateLimitPolicy(policyName, refs, check);
}

export const quotaPolicy: PolicyType<QuotaConfig> = {
  type: 'Quota',
  parse: parseQuota,
  compile: compileQuota,
};
