// JSONThreatProtection per request: a JSON body of the source message is scanned against the limits (ExecutionFailed on the first breach).
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isJsonMediaType, resolveSource, toMediaType } from '../shared/source-message.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { parseJsonThreatProtection, type JsonThreatProtectionConfig } from './parse.js';
import { scanJson } from './scan-json.js';

export function compileJsonThreatProtection(config: JsonThreatProtectionConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const label = `JSONThreatProtection[${policyName}]`;
  // JSONThreatProtection reference, fault variables: `jsonattack.<policy>.failed`.
  const fail = (flow: FlowContext, faultName: string, message: string): PolicyFault => {
    flow.setVariable(`jsonattack.${policyName}.failed`, true);
    return toStepFault('JSONThreatProtection', faultName, message, policyName);
  };
  return {
    readsContent: true,
    execute(flow) {
      const source = resolveSource(flow, config.source);
      if (source.kind === 'missing') throw fail(flow, 'SourceUnavailable', `${label}:: Source ${config.source} is not available`);
      if (source.kind !== 'message') throw fail(flow, 'NonMessageVariable', `${label}: Variable ${config.source} does not resolve to a Message`);
      const message = source.message;
      // The policy applies to JSON messages only; other content types pass unchecked, as in Apigee.
      if (!isJsonMediaType(toMediaType(message))) return;
      const text = message.contentText;
      if (text.trim() === '') return;
      const problem = scanJson(text, config);
      if (!problem) return;
      const reason = problem.limit ? `${label}: ${problem.reason} at line ${problem.line}` : `${problem.reason} at line ${problem.line}`;
      throw fail(flow, 'ExecutionFailed', `${label}: Execution failed. reason: ${reason}`);
    },
  };
}

export const jsonThreatProtectionPolicy: PolicyType<JsonThreatProtectionConfig> = {
  type: 'JSONThreatProtection',
  parse: parseJsonThreatProtection,
  compile: compileJsonThreatProtection,
};
