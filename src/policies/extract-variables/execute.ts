// ExtractVariables at deploy and per request: patterns and paths compiled once; values stored as `<prefix>.<name>`.
import type { FlowContext } from '../../engine/flow-context.js';
import type { Message } from '../../engine/message.js';
import type { ParamMap } from '../../engine/param-map.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { compileExtractPattern, type ExtractPatternMatcher } from './compile-extract-pattern.js';
import { compileJsonPayload, compileXmlPayload, type PayloadExtractionContext, type PayloadExtractor } from './extract-payload.js';
import { parseExtractVariables, type ExtractPattern, type ExtractVariablesConfig, type ParamExtraction } from './parse.js';

type Assign = (name: string, value: unknown) => void;

/** The source as a message, or as text when Source names a variable holding JSON or XML. */
type Source = { readonly message: Message; readonly isFlowMessage: boolean } | { readonly text: string };

const FLOW_MESSAGES: ReadonlySet<string> = new Set(['request', 'response', 'message']);

export function compileExtractVariables(config: ExtractVariablesConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const { source: sourceName, variablePrefix } = config;
  const strict = !config.ignoreUnresolvedVariables;
  const uriPath = compilePatterns(config.uriPath, true);
  const params = [
    ...config.queryParams.map((p) => compileParam(p, (m) => m.queryParams)),
    ...config.headers.map((p) => compileParam(p, (m) => m.headers)),
    ...config.formParams.map((p) => compileParam(p, (m) => m.formParams)),
  ];
  const variables = config.variables.map((v) => ({ name: v.name, patterns: compilePatterns(v.patterns, false) }));
  const payloads: PayloadExtractor[] = [];
  if (config.jsonPayload) payloads.push(compileJsonPayload(config.jsonPayload.variables, policyName));
  if (config.xmlPayload) payloads.push(compileXmlPayload(config.xmlPayload, policyName));
  const fault = (faultName: string, message: string, cause?: unknown) => toStepFault('ExtractVariables', faultName, message, policyName, { cause });

  const resolveSource = (flow: FlowContext): Source => {
    const message = flow.getMessage(sourceName);
    if (message) return { message, isFlowMessage: FLOW_MESSAGES.has(sourceName) };
    const value = flow.getVariable(sourceName);
    if (typeof value === 'string') return { text: value };
    throw fault('SourceMessageNotAvailable', `${sourceName} message is not available for ExtractVariable: ${policyName}`);
  };

  return {
    readsContent: payloads.length > 0 || config.formParams.length > 0 || config.variables.some((v) => isContentVariable(v.name)),
    execute(flow) {
      const source = resolveSource(flow);
      const assign: Assign = variablePrefix === undefined
        ? (name, value) => flow.setVariable(name, value)
        : (name, value) => flow.setVariable(`${variablePrefix}.${name}`, value);
      if ('message' in source) {
        const { message } = source;
        if (uriPath.length > 0) {
          // URIPath patterns see the path below the base path (compat §8); a created message has only its own path.
          const path = source.isFlowMessage ? String(flow.getVariable('proxy.pathsuffix') ?? '') : message.path;
          matchFirst(uriPath, path, assign);
        }
        for (const param of params) {
          const value = param.read(message);
          if (value !== undefined) matchFirst(param.patterns, value, assign);
        }
      }
      for (const variable of variables) {
        const value = flow.getVariable(variable.name);
        if (value !== undefined && value !== null) matchFirst(variable.patterns, String(value), assign);
      }
      if (payloads.length > 0) {
        const content = 'message' in source ? source.message.contentText : source.text;
        const payloadCtx: PayloadExtractionContext = { assign, strict, fault };
        for (const extract of payloads) extract(content, payloadCtx);
      }
    },
  };
}

export const extractVariablesPolicy: PolicyType<ExtractVariablesConfig> = {
  type: 'ExtractVariables',
  parse: parseExtractVariables,
  compile: compileExtractVariables,
};

function compilePatterns(patterns: readonly ExtractPattern[], segmentVariables: boolean): ExtractPatternMatcher[] {
  return patterns.map((p) => compileExtractPattern(p.text, { ignoreCase: p.ignoreCase, segmentVariables }));
}

/** Apigee's `name.N` addresses the N-th value (1-based) of a repeated parameter when no parameter has that exact name. */
function compileParam(param: ParamExtraction, select: (message: Message) => ParamMap) {
  const indexed = /^(.+)\.([1-9]\d{0,3})$/.exec(param.name);
  const { name } = param;
  const base = indexed?.[1];
  const index = indexed ? Number(indexed[2]) - 1 : 0;
  return {
    patterns: compilePatterns(param.patterns, false),
    read(message: Message): string | undefined {
      const map = select(message);
      if (map.has(name) || base === undefined) return map.get(name);
      return map.getAll(base)[index];
    },
  };
}

/** The first pattern that matches assigns its variables; later patterns are not tried. */
function matchFirst(patterns: readonly ExtractPatternMatcher[], input: string, assign: Assign): void {
  for (const pattern of patterns) {
    const values = pattern.match(input);
    if (!values) continue;
    pattern.variables.forEach((name, i) => assign(name, values[i]));
    return;
  }
}
