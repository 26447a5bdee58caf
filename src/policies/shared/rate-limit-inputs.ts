// What Quota and SpikeArrest resolve per request: ref values, the identifier, the message weight, and their faults.
import type { VariableReader } from '../../engine/variable-reader.js';
import { formatMessage, PolicyFault, runtimeFaults } from '../../errors.js';
import { parseWholeNumber, type RefOrValue } from './rate-limit-xml.js';

/** The counter every client shares when the policy has no Identifier, or its variable is unset. */
export const DEFAULT_IDENTIFIER = '_default';

export type RateLimitFaultName =
  | 'QuotaViolation' | 'SpikeArrestViolation' | 'InvalidMessageWeight' | 'FailedToResolveSpikeArrestRate' | 'InvalidAllowedRate'
  | 'FailedToResolveQuotaIntervalReference' | 'FailedToResolveQuotaIntervalTimeUnitReference' | 'InvalidQuotaInterval' | 'InvalidQuotaTimeUnit';

/** A `policies.ratelimit.*` fault of the catalog; violations pass the organization's status (500, or 429 with its flag). */
export function toRateLimitFault(name: RateLimitFaultName, args: readonly (string | number)[], policyName: string, status?: number): PolicyFault {
  const entry = runtimeFaults[name];
  return new PolicyFault({ faultName: name, errorCode: entry.code, status: status ?? entry.status, message: formatMessage(entry.message, args), policyName });
}

/** A scalar flow variable as trimmed text; undefined when unset, empty, or not a scalar (a message, a list). */
export function readRefText(flow: VariableReader, ref: string | undefined): string | undefined {
  if (ref === undefined) return undefined;
  const value = flow.getVariable(ref);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint') return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function resolveIdentifier(flow: VariableReader, ref: string | undefined): string {
  return readRefText(flow, ref) ?? DEFAULT_IDENTIFIER;
}

/** The weight of this message: the variable when set, else the literal, else 1. A non-integer value is Apigee's InvalidMessageWeight. */
export function resolveMessageWeight(flow: VariableReader, weight: RefOrValue<number> | undefined, policyName: string): number {
  if (!weight) return 1;
  const text = readRefText(flow, weight.ref);
  if (text === undefined) return weight.value ?? 1;
  const value = parseWholeNumber(text);
  if (value === undefined) throw toRateLimitFault('InvalidMessageWeight', [text], policyName);
  return value;
}
