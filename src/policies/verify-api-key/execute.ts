// VerifyAPIKey at deploy and per request: resolves the key, asks the environment's API key index, sets the variables or faults.
import type { ApiKeyFailure } from '../../developers/api-key-verifier.js';
import type { FlowContext } from '../../engine/flow-context.js';
import { formatMessage, PolicyFault, runtimeFaults, type RuntimeFaultName } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { parseVerifyApiKey, type VerifyApiKeyConfig } from './parse.js';
import { setApiKeyVariables } from './set-api-key-variables.js';

const faultOf: Readonly<Record<ApiKeyFailure, RuntimeFaultName>> = {
  InvalidApiKey: 'InvalidApiKey',
  NotApproved: 'ApiKeyNotApproved',
  DeveloperStatusNotActive: 'DeveloperStatusNotActive',
  ConsumerKeyExpired: 'ConsumerKeyExpired',
  InvalidApiKeyForGivenResource: 'InvalidApiKeyForGivenResource',
};

export function compileVerifyApiKey(config: VerifyApiKeyConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const { services } = ctx;
  const { ref, literal } = config;

  /** `fault.name` is the code's last segment; Apigee also records the failure under `oauthV2.<policy>.*`. */
  const fail = (flow: FlowContext, name: RuntimeFaultName, args: readonly string[] = []): PolicyFault => {
    const entry = runtimeFaults[name];
    const faultName = entry.code.slice(entry.code.lastIndexOf('.') + 1);
    const message = formatMessage(entry.message, args);
    flow.setVariable(`verifyapikey.${policyName}.failed`, true);
    flow.setVariable(`oauthV2.${policyName}.failed`, true);
    flow.setVariable(`oauthV2.${policyName}.fault.name`, faultName);
    flow.setVariable(`oauthV2.${policyName}.fault.cause`, message);
    return new PolicyFault({ faultName, errorCode: entry.code, status: entry.status, message, policyName });
  };

  return {
    readsContent: ref !== undefined && isContentVariable(ref),
    execute(flow) {
      const consumerKey = toKeyText(ref === undefined ? undefined : flow.getVariable(ref)) ?? literal;
      if (consumerKey === undefined) throw fail(flow, 'FailedToResolveAPIKey', [ref ?? '']);
      const result = services.apiKeys.verify({
        organization: services.organization,
        environment: services.environment,
        // The proxy handling the request (in a shared flow, the one that called it), as products list proxies.
        apiProxy: flow.init.apiName,
        pathSuffix: flow.init.pathSuffix,
        consumerKey,
        now: services.now(),
      });
      if (!result.ok) throw fail(flow, faultOf[result.failure]);
      setApiKeyVariables(flow, policyName, consumerKey, result.grant);
    },
  };
}

/** An unset, null or empty variable does not resolve (FailedToResolveAPIKey), as in Apigee. */
function toKeyText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

export const verifyApiKeyPolicy: PolicyType<VerifyApiKeyConfig> = {
  type: 'VerifyAPIKey',
  parse: parseVerifyApiKey,
  compile: compileVerifyApiKey,
};
