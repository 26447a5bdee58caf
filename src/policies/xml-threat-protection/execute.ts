// XMLThreatProtection per request: an XML body of the source message is scanned against the limits (ExecutionFailed on the first breach).
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isXmlMediaType, resolveSource, toMediaType } from '../shared/source-message.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { parseXmlThreatProtection, type XmlThreatProtectionConfig } from './parse.js';
import { scanXml } from './scan-xml.js';

export function compileXmlThreatProtection(config: XmlThreatProtectionConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const label = `XMLThreatProtection stepDefinition ${policyName}`;
  // XMLThreatProtection reference, fault variables: `xmlattack.<policy>.failed`.
  const fail = (flow: FlowContext, faultName: string, message: string): PolicyFault => {
    flow.setVariable(`xmlattack.${policyName}.failed`, true);
    return toStepFault('XMLThreatProtection', faultName, message, policyName);
  };
  return {
    readsContent: true,
    execute(flow) {
      const source = resolveSource(flow, config.source);
      if (source.kind === 'missing') throw fail(flow, 'SourceUnavailable', `${label}: Source ${config.source} is not available`);
      if (source.kind !== 'message') throw fail(flow, 'NonMessageVariable', `${label}: Variable ${config.source} does not resolve to a Message`);
      const message = source.message;
      // The policy applies to XML messages only; other content types pass unchecked.
      if (!isXmlMediaType(toMediaType(message))) return;
      const text = message.contentText;
      if (text.trim() === '') return;
      const problem = scanXml(text, config);
      if (!problem) return;
      const where = `at line ${problem.line}(possibly around char ${problem.char})`;
      const reason = problem.limit ? `${label}: ${problem.reason} ${where}` : `${problem.reason} ${where}`;
      throw fail(flow, 'ExecutionFailed', `${label}: Execution failed. reason: ${reason}`);
    },
  };
}

export const xmlThreatProtectionPolicy: PolicyType<XmlThreatProtectionConfig> = {
  type: 'XMLThreatProtection',
  parse: parseXmlThreatProtection,
  compile: compileXmlThreatProtection,
};
