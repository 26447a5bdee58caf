// ExtractVariables JSONPayload and XMLPayload: paths compiled once at deploy; the payload parsed once per request.
import { compileJsonPath } from '../../engine/json-path.js';
import { compileXPath, parseXmlDocument, type XPathEvaluator } from '../../engine/xml-path.js';
import type { PolicyFault } from '../../errors.js';
import type { ExtractValueType, PayloadVariable, XmlPayloadConfig } from './parse.js';

/** What a payload extraction needs from the policy around it. */
export interface PayloadExtractionContext {
  /** Stores `<prefix>.<name>`. */
  assign(name: string, value: unknown): void;
  readonly strict: boolean;
  /** `steps.extractvariables.<faultName>` for this policy. */
  fault(faultName: string, message: string, cause?: unknown): PolicyFault;
}

/** Extracts from payload text; a payload that does not parse faults only when strict (ExecutionFailed). */
export type PayloadExtractor = (content: string, ctx: PayloadExtractionContext) => void;

export function compileJsonPayload(variables: readonly PayloadVariable[], policyName: string): PayloadExtractor {
  const compiled = variables.map((v) => ({ ...v, evaluate: compileJsonPath(v.path) }));
  return (content, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch (err) {
      if (ctx.strict) throw ctx.fault('ExecutionFailed', `Failed to execute the ExtractVariables: ${policyName}`, err);
      return;
    }
    for (const variable of compiled) {
      const matches = variable.evaluate(json);
      if (matches.length === 0) {
        if (ctx.strict) throw ctx.fault('InvalidJSONPath', `Invalid JSON path ${variable.path} in policy ${policyName}.`);
        continue;
      }
      const only = matches.length === 1 ? matches[0] : matches;
      if (only === null) {
        ctx.assign(variable.name, null);
        continue;
      }
      const text = typeof only === 'string' ? only : typeof only === 'object' ? JSON.stringify(only) : String(only);
      ctx.assign(variable.name, toTypedValue(text, variable.type, ctx));
    }
  };
}

export function compileXmlPayload(config: XmlPayloadConfig, policyName: string): PayloadExtractor {
  const compiled: { variable: PayloadVariable; evaluate: XPathEvaluator }[] = config.variables.map((variable) => ({
    variable,
    evaluate: compileXPath(variable.path, { ...config.namespaces }),
  }));
  return (content, ctx) => {
    let document: ReturnType<typeof parseXmlDocument>;
    try {
      document = parseXmlDocument(content);
    } catch (err) {
      if (ctx.strict) throw ctx.fault('ExecutionFailed', `Failed to execute the ExtractVariables: ${policyName}`, err);
      return;
    }
    for (const { variable, evaluate } of compiled) {
      const values = evaluate(document);
      if (values.length === 0) continue;
      // A nodeset keeps every selected node; other types take the first, as XPath's string() does.
      const text = variable.type === 'nodeset' ? (values.length === 1 ? values[0]! : JSON.stringify(values)) : values[0]!;
      ctx.assign(variable.name, toTypedValue(text, variable.type, ctx));
      if (config.stopPayloadProcessing) return;
    }
  };
}

function toTypedValue(text: string, type: ExtractValueType, ctx: PayloadExtractionContext): unknown {
  const trimmed = text.trim();
  switch (type) {
    case 'string':
    case 'nodeset':
      return text;
    case 'boolean':
      if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
      break;
    case 'integer':
    case 'long':
      if (/^[+-]?\d+$/.test(trimmed)) {
        const value = Number(trimmed);
        // Past 2^53 a JS number would change the value; the digits are kept as text instead.
        return Number.isSafeInteger(value) ? value : trimmed;
      }
      break;
    case 'float':
    case 'double': {
      const value = Number(trimmed);
      if (trimmed !== '' && Number.isFinite(value)) return value;
      break;
    }
  }
  throw ctx.fault('UnableToCast', `Unable to cast value ${text} into ${type}.`);
}
