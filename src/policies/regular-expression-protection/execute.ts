// RegularExpressionProtection per request: every configured value of the source message is tested against its patterns.
import type { FlowContext } from '../../engine/flow-context.js';
import { compileJsonPath } from '../../engine/json-path.js';
import type { Message } from '../../engine/message.js';
import { compileXPath, parseXmlDocument } from '../../engine/xml-path.js';
import { runtimeFault, type PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { compileThreatPattern, type ThreatPattern } from './compile-threat-pattern.js';
import { parseRegularExpressionProtection, type RegularExpressionProtectionConfig } from './parse.js';

/** Fault codes are `steps.regexprotection.*` (not the policy type in lower case). */
const FAULT_PREFIX = 'RegexProtection';

export function compileRegularExpressionProtection(config: RegularExpressionProtectionConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const compile = (patterns: readonly string[]) => patterns.map(compileThreatPattern);
  const uriPath = compile(config.uriPath);
  const named = (list: RegularExpressionProtectionConfig['queryParams']) => list.map((item) => ({ name: item.name, patterns: compile(item.patterns) }));
  const queryParams = named(config.queryParams);
  const headers = named(config.headers);
  const formParams = named(config.formParams);
  const variables = named(config.variables);
  const jsonPaths = config.jsonPayload?.paths.map((path) => ({ evaluate: compileJsonPath(path.expression), patterns: compile(path.patterns) })) ?? [];
  const escapeSlash = config.jsonPayload?.escapeSlashCharacter ?? false;
  const xmlPaths = config.xmlPayload?.paths.map((path) => ({ evaluate: compileXPath(path.expression, { ...config.xmlPayload!.namespaces }), patterns: compile(path.patterns) })) ?? [];

  const fail = (flow: FlowContext, fault: PolicyFault): PolicyFault => {
    flow.setVariable(`regularexpressionprotection.${policyName}.failed`, true);
    return fault;
  };
  const check = (flow: FlowContext, patterns: readonly ThreatPattern[], values: readonly string[]): void => {
    for (const value of values) {
      for (const pattern of patterns) {
        if (pattern.test(value)) {
          throw fail(flow, runtimeFault('ThreatDetected', [policyName, pattern.text, value]));
        }
      }
    }
  };
  const executionFailed = (flow: FlowContext, reason: string, cause: unknown) =>
    fail(flow, toStepFault(FAULT_PREFIX, 'ExecutionFailed', `Failed to execute the RegularExpressionProtection StepDefinition ${policyName}. Reason: ${reason}`, policyName, { cause }));

  return {
    readsContent: formParams.length > 0 || jsonPaths.length > 0 || xmlPaths.length > 0 || config.variables.some((v) => isContentVariable(v.name)),
    execute(flow) {
      const message = flow.getMessage(config.source);
      if (!message) {
        const held = flow.getVariable(config.source);
        if (held !== undefined && held !== null) {
          throw fail(flow, toStepFault(FAULT_PREFIX, 'NonMessageVariable', `Variable ${config.source} does not resolve to a Message`, policyName));
        }
        throw fail(flow, toStepFault(FAULT_PREFIX, 'SourceMessageNotAvailable', `${config.source} message is not available for RegularExpressionProtection StepDefinition ${policyName}`, policyName));
      }
      if (uriPath.length > 0) check(flow, uriPath, withDecoded(message.path));
      for (const param of queryParams) check(flow, param.patterns, message.queryParams.getAll(param.name));
      for (const header of headers) check(flow, header.patterns, message.headers.getAll(header.name));
      for (const param of formParams) check(flow, param.patterns, message.formParams.getAll(param.name));
      for (const variable of variables) {
        const value = flow.getVariable(variable.name);
        if (value === undefined || value === null) {
          if (!config.ignoreUnresolvedVariables) throw fail(flow, toStepFault(FAULT_PREFIX, 'VariableResolutionFailed', `Failed to resolve variable ${variable.name}`, policyName));
          continue;
        }
        check(flow, variable.patterns, [typeof value === 'string' ? value : stringify(value, false)]);
      }
      if (jsonPaths.length > 0) checkJson(flow, message, jsonPaths, escapeSlash, check, executionFailed);
      if (xmlPaths.length > 0) checkXml(flow, message, xmlPaths, check, executionFailed);
    },
  };
}

type Check = (flow: FlowContext, patterns: readonly ThreatPattern[], values: readonly string[]) => void;
type ExecutionFailed = (flow: FlowContext, reason: string, cause: unknown) => PolicyFault;

function checkJson(
  flow: FlowContext,
  message: Message,
  paths: ReadonlyArray<{ evaluate: (json: unknown) => unknown[]; patterns: readonly ThreatPattern[] }>,
  escapeSlash: boolean,
  check: Check,
  executionFailed: ExecutionFailed,
): void {
  const content = message.contentText;
  if (content.trim() === '') return;
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    throw executionFailed(flow, `the payload is not valid JSON: ${(err as Error).message}`, err);
  }
  for (const path of paths) {
    let values: string[];
    try {
      values = path.evaluate(json).map((value) => (typeof value === 'string' ? value : stringify(value, escapeSlash)));
    } catch (err) {
      // Pathologically deep JSON can exhaust the stack while evaluating or serializing: a policy failure, not a crash.
      throw executionFailed(flow, `the JSONPath could not be evaluated: ${(err as Error).message}`, err);
    }
    check(flow, path.patterns, values);
  }
}

function checkXml(
  flow: FlowContext,
  message: Message,
  paths: ReadonlyArray<{ evaluate: ReturnType<typeof compileXPath>; patterns: readonly ThreatPattern[] }>,
  check: Check,
  executionFailed: ExecutionFailed,
): void {
  const content = message.contentText;
  if (content.trim() === '') return;
  let document: ReturnType<typeof parseXmlDocument>;
  try {
    document = parseXmlDocument(content);
  } catch (err) {
    throw executionFailed(flow, `the payload is not valid XML: ${(err as Error).message}`, err);
  }
  for (const path of paths) check(flow, path.patterns, path.evaluate(document));
}

/** JSON text of a matched value; escapeSlashCharacter writes `/` as `\/`, as Java JSON serializers do. */
function stringify(value: unknown, escapeSlash: boolean): string {
  const text = JSON.stringify(value) ?? String(value);
  return escapeSlash ? text.replace(/\//g, '\\/') : text;
}

/** The path as received and, when it differs, percent-decoded: an encoded attack is still seen. */
function withDecoded(path: string): string[] {
  try {
    const decoded = decodeURIComponent(path);
    return decoded === path ? [path] : [path, decoded];
  } catch {
    return [path];
  }
}

export const regularExpressionProtectionPolicy: PolicyType<RegularExpressionProtectionConfig> = {
  type: 'RegularExpressionProtection',
  parse: parseRegularExpressionProtection,
  compile: compileRegularExpressionProtection,
};
