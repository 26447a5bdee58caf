// XMLToJSON per request: converts the XML of a message (or text variable) and writes the JSON to the output message or variable.
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isXmlMediaType, resolveSource, toMediaType } from '../shared/source-message.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { parseXmlToJson, type XmlToJsonConfig } from './parse.js';
import { toJsonDocument, XmlConversionError } from './to-json-document.js';

export function compileXmlToJson(config: XmlToJsonConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const label = `XMLToJSON[${policyName}]`;
  // Fault codes are `steps.xml2json.*`; the failed flag is `xmltojson.<policy>.failed` (XMLToJSON reference).
  const fail = (flow: FlowContext, faultName: string, message: string, cause?: unknown): PolicyFault => {
    flow.setVariable(`xmltojson.${policyName}.failed`, true);
    return toStepFault('XML2JSON', faultName, message, policyName, { cause });
  };
  return {
    readsContent: true,
    execute(flow) {
      const source = resolveSource(flow, config.source);
      if (source.kind === 'missing') throw fail(flow, 'SourceUnavailable', `${label}: Source ${config.source} is not available`);
      if (source.kind === 'other') throw fail(flow, 'InvalidSourceType', `${label}: Invalid source type ${typeof source.value}. Valid source types are Message and String.`);
      // A message that is not XML is left alone: the policy is not enforced (XMLToJSON reference).
      if (source.kind === 'message' && !isXmlMediaType(toMediaType(source.message))) return;
      const outputName = config.outputVariable ?? (source.kind === 'text' ? undefined : config.source);
      if (outputName === undefined) throw fail(flow, 'OutputVariableIsNotAvailable', `${label}: Output variable is not available.`);
      const output = flow.getMessage(outputName);
      if (source.kind === 'text' && output) throw fail(flow, 'InCompatibleTypes', `${label}: String can not be assigned to message type.`);

      let json: string;
      try {
        json = toJsonDocument(source.kind === 'message' ? source.message.contentText : source.text, config.options);
      } catch (err) {
        if (!(err instanceof XmlConversionError)) throw err;
        throw fail(flow, 'ExecutionFailed', `${label}: Execution failed due to reason: ${err.message}`, err);
      }
      if (output) {
        output.setContent(json);
        output.headers.set('Content-Type', 'application/json');
      } else {
        flow.setVariable(outputName, json);
      }
    },
  };
}

export const xmlToJsonPolicy: PolicyType<XmlToJsonConfig> = {
  type: 'XMLToJSON',
  parse: parseXmlToJson,
  compile: compileXmlToJson,
};
