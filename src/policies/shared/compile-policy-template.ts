// Message templates in policies: checked at import, compiled once at deploy, rendered per request with the policy's UnresolvedVariable fault.
import { compileTemplate, UnresolvedVariableError } from '../../engine/template/compile-template.js';
import type { VariableReader } from '../../engine/variable-reader.js';
import type { PolicyFault } from '../../errors.js';
import type { PolicyReport } from './policy-xml.js';
import { toStepFault } from './to-step-fault.js';

/** Custom variable delimiters (`<Payload variablePrefix="@" variableSuffix="#">`, compat §11). */
export interface TemplateDelimiters {
  readonly prefix?: string;
  readonly suffix?: string;
}

/** Who renders the template, for the fault raised when a variable is unresolved. */
export interface TemplateOwner {
  readonly policyType: string;
  readonly policyName: string;
  /** False when the policy has `IgnoreUnresolvedVariables` true: unresolved variables render as empty text. */
  readonly strict: boolean;
}

export interface PolicyTemplate {
  /** Variables the template reads (to know whether the policy needs the message body). */
  readonly variables: readonly string[];
  /** Throws `steps.<type>.UnresolvedVariable` (500) for an unresolved variable when the owner is strict. */
  render(vars: VariableReader): string;
  /** Renders strictly; undefined when any variable is unresolved (for a fallback value). */
  renderOrUndefined(vars: VariableReader): string | undefined;
}

const NO_VARIABLES: VariableReader = { getVariable: () => undefined };

export function compilePolicyTemplate(text: string, owner: TemplateOwner, delimiters?: TemplateDelimiters): PolicyTemplate {
  const template = compileTemplate(text, delimiters);
  if (template.isStatic) {
    const value = template.render(NO_VARIABLES);
    return { variables: template.variables, render: () => value, renderOrUndefined: () => value };
  }
  return {
    variables: template.variables,
    render(vars) {
      if (!owner.strict) return template.render(vars);
      try {
        return template.render(vars, { strict: true });
      } catch (err) {
        if (err instanceof UnresolvedVariableError) throw toUnresolvedVariableFault(owner, err.variable, err);
        throw err;
      }
    },
    renderOrUndefined(vars) {
      try {
        return template.render(vars, { strict: true });
      } catch (err) {
        if (err instanceof UnresolvedVariableError) return undefined;
        throw err;
      }
    },
  };
}

/** Apigee's fault for a reference that does not resolve while IgnoreUnresolvedVariables is false. */
export function toUnresolvedVariableFault(owner: Pick<TemplateOwner, 'policyType' | 'policyName'>, variable: string, cause?: unknown): PolicyFault {
  return toStepFault(owner.policyType, 'UnresolvedVariable', `Unresolved variable : ${variable}`, owner.policyName, { cause });
}

/** Import-time check: reports a template the engine would refuse at deploy. Returns whether it is static text, or undefined when refused. */
export function checkTemplate(text: string, where: string, report: PolicyReport, delimiters?: TemplateDelimiters): boolean | undefined {
  try {
    return compileTemplate(text, delimiters).isStatic;
  } catch (err) {
    report(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
