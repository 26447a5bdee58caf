// JSONToXML per request: converts the JSON of a message (or text variable) and writes the XML to the output message or variable.
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isJsonMediaType, resolveSource, toMediaType } from '../shared/source-message.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { parseJsonToXml, type JsonToXmlConfig } from './parse.js';
import { toXmlDocument } from './to-xml-document.js';

export function compileJsonToXml(config: JsonToXmlConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const label = `JSONToXML[${policyName}]`;
  // Fault codes are `steps.json2xml.*`; the failed flag is `jsontoxml.<policy>.failed` (JSONToXML reference).
  const fail = (flow: FlowContext, faultName: string, message: string, cause?: unknown): PolicyFault => {
    flow.setVariable(`jsontoxml.${policyName}.failed`, true);
    return toStepFault('JSON2XML', faultName, message, policyName, { cause });
  };
  return {
    readsContent: true,
    execute(flow) {
      const source = resolveSource(flow, config.source);
      if (source.kind === 'missing') throw fail(flow, 'SourceUnavailable', `${label}: Source ${config.source} is not available`);
      if (source.kind === 'other') throw fail(flow, 'InvalidSourceType', `${label}: Invalid source type ${typeof source.value}. Valid source types are Message and String.`);
      // A message that is not JSON is left alone: the policy is not enforced (JSONToXML reference).
      if (source.kind === 'message' && !isJsonMediaType(toMediaType(source.message))) return;
      const outputName = config.outputVariable ?? (source.kind === 'text' ? undefined : config.source);
      if (outputName === undefined) throw fail(flow, 'OutputVariableIsNotAvailable', `${label}: Output variable is not available.`);
      const output = flow.getMessage(outputName);
      if (source.kind === 'text' && output) throw fail(flow, 'InCompatibleTypes', `${label}: String can not be assigned to message type.`);

      const text = source.kind === 'message' ? source.message.contentText : source.text;
      let json: unknown;
      try {
        if (text.trim() === '') throw new Error('the input payload is empty');
        json = JSON.parse(text);
      } catch (err) {
        throw fail(flow, 'ExecutionFailed', `${label}: Execution failed due to reason: ${(err as Error).message}`, err);
      }
      const xml = toXmlDocument(json, config.options);
      if (output) {
        output.setContent(xml);
        output.headers.set('Content-Type', 'application/xml');
      } else {
        flow.setVariable(outputName, xml);
      }
    },
  };
}

export const jsonToXmlPolicy: PolicyType<JsonToXmlConfig> = {
  type: 'JSONToXML',
  parse: parseJsonToXml,
  compile: compileJsonToXml,
};
