// XMLToJSON per request: converts the XML of a message (or text variable) and writes the JSON to the output message or variable.
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { resolveConversion, type ConversionSpec } from '../shared/resolve-conversion.js';
import { isXmlMediaType } from '../shared/source-message.js';
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
  const spec: ConversionSpec = { source: config.source, outputVariable: config.outputVariable, label, isSourceType: isXmlMediaType, outputContentType: 'application/json', fail };
  return {
    readsContent: true,
    execute(flow) {
      const conversion = resolveConversion(flow, spec);
      if (!conversion) return;
      let json: string;
      try {
        json = toJsonDocument(conversion.text, config.options);
      } catch (err) {
        if (!(err instanceof XmlConversionError)) throw err;
        throw fail(flow, 'ExecutionFailed', `${label}: Execution failed due to reason: ${err.message}`, err);
      }
      conversion.write(json);
    },
  };
}

export const xmlToJsonPolicy: PolicyType<XmlToJsonConfig> = {
  type: 'XMLToJSON',
  parse: parseXmlToJson,
  compile: compileXmlToJson,
};
