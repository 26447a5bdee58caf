// JSONToXML per request: converts the JSON of a message (or text variable) and writes the XML to the output message or variable.
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { resolveConversion, type ConversionSpec } from '../shared/resolve-conversion.js';
import { isJsonMediaType } from '../shared/source-message.js';
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
  const spec: ConversionSpec = { source: config.source, outputVariable: config.outputVariable, label, isSourceType: isJsonMediaType, outputContentType: 'application/xml', fail };
  return {
    readsContent: true,
    execute(flow) {
      const conversion = resolveConversion(flow, spec);
      if (!conversion) return;
      let json: unknown;
      try {
        if (conversion.text.trim() === '') throw new Error('the input payload is empty');
        json = JSON.parse(conversion.text);
      } catch (err) {
        throw fail(flow, 'ExecutionFailed', `${label}: Execution failed due to reason: ${(err as Error).message}`, err);
      }
      conversion.write(toXmlDocument(json, config.options));
    },
  };
}

export const jsonToXmlPolicy: PolicyType<JsonToXmlConfig> = {
  type: 'JSONToXML',
  parse: parseJsonToXml,
  compile: compileJsonToXml,
};
