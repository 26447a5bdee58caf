// BasicAuthentication per request: Encode writes `Basic base64(user:password)`, Decode splits it back into two variables.
import type { FlowContext } from '../../engine/flow-context.js';
import type { PolicyFault } from '../../errors.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { parseBasicAuthentication, type BasicAuthenticationConfig } from './parse.js';

const BASIC = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

export function compileBasicAuthentication(config: BasicAuthenticationConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const strict = !config.ignoreUnresolvedVariables;
  // BasicAuthentication reference, "Flow variables": set when the policy fails.
  const fail = (flow: FlowContext, fault: PolicyFault): PolicyFault => {
    flow.setVariable(`BasicAuthentication.${policyName}.failed`, true);
    return fault;
  };
  const unresolved = (flow: FlowContext, variable: string) =>
    fail(flow, toStepFault('BasicAuthentication', 'UnresolvedVariable', `Unresolved variable : ${variable}`, policyName));

  if (config.operation === 'Encode') {
    const target = config.assignTo!;
    return {
      readsContent: isContentVariable(config.userRef) || isContentVariable(config.passwordRef),
      execute(flow) {
        const user = readText(flow, config.userRef);
        if (user === undefined && strict) throw unresolved(flow, config.userRef);
        const password = readText(flow, config.passwordRef);
        if (password === undefined && strict) throw unresolved(flow, config.passwordRef);
        // AssignTo createNew="false": "the assignment occurs only if the variable is currently unset".
        if (!target.createNew && isSet(flow.getVariable(target.variable))) return;
        const encoded = Buffer.from(`${user ?? ''}:${password ?? ''}`, 'utf8').toString('base64');
        flow.setVariable(target.variable, `Basic ${encoded}`);
      },
    };
  }

  const source = config.source!;
  return {
    readsContent: isContentVariable(source),
    execute(flow) {
      const value = readText(flow, source);
      if (value === undefined) {
        if (strict) throw unresolved(flow, source);
        return;
      }
      const credentials = decodeBasic(value);
      if (!credentials) {
        throw fail(flow, toStepFault('BasicAuthentication', 'InvalidBasicAuthenticationSource',
          `Source variable : ${source} for basic authentication decode policy is not valid`, policyName));
      }
      flow.setVariable(config.userRef, credentials.user);
      flow.setVariable(config.passwordRef, credentials.password);
    },
  };
}

/** `Basic <base64 of user:password>` → its two parts; undefined for another scheme, bad Base64 or no colon. */
function decodeBasic(value: string): { user: string; password: string } | undefined {
  const match = BASIC.exec(value.trim());
  const encoded = match?.[1];
  // Base64 text is a whole number of 4-character groups (RFC 4648 §4); anything else is not valid Base64.
  if (!encoded || encoded.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function readText(flow: FlowContext, name: string): string | undefined {
  const value = flow.getVariable(name);
  return isSet(value) ? String(value) : undefined;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export const basicAuthenticationPolicy: PolicyType<BasicAuthenticationConfig> = {
  type: 'BasicAuthentication',
  parse: parseBasicAuthentication,
  compile: compileBasicAuthentication,
};
