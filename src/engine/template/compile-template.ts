// Compiles an Apigee message template (compat §11) once, at deploy, into a renderer for each request.

import type { VariableReader } from '../variable-reader.js';
import { cryptoFunctions } from './crypto-functions.js';
import { parseTemplate, type TemplateExpression, type TemplatePart } from './parse-template.js';
import { pathFunctions } from './path-functions.js';
import { stringFunctions } from './string-functions.js';
import { toTemplateText, type TemplateArgument, type TemplateEvaluator, type TemplateFunction } from './template-function.js';
import { timeFunctions } from './time-format.js';

export interface CompiledTemplate {
  /** True when there is nothing to substitute: `render` returns the text as it is. */
  readonly isStatic: boolean;
  /** Every variable the template reads, including inside function calls, in order of first use. */
  readonly variables: readonly string[];
  /**
   * Substitutes references. An unset variable renders as ""; with `strict` (IgnoreUnresolvedVariables=false) a plain
   * `{variable}` reference that is unset throws {@link UnresolvedVariableError}. Function calls never throw: a
   * failed or unknown function renders as "".
   */
  render(vars: VariableReader, options?: { strict?: boolean }): string;
}

/** A plain `{variable}` reference was unset while rendering strictly. */
export class UnresolvedVariableError extends Error {
  readonly variable: string;
  constructor(variable: string) {
    super(`Unresolved variable : ${variable}`);
    this.name = 'UnresolvedVariableError';
    this.variable = variable;
  }
}

const templateFunctions: ReadonlyMap<string, TemplateFunction> = new Map(
  Object.entries({ ...stringFunctions, ...cryptoFunctions, ...timeFunctions, ...pathFunctions }),
);

type Segment = string | { readonly variable: string } | { readonly call: TemplateEvaluator };

/**
 * Compiles template text. `prefix`/`suffix` replace `{` and `}` (AssignMessage Payload `variablePrefix` /
 * `variableSuffix`, e.g. `@` and `#`).
 * @throws Error when a known function gets the wrong number of arguments or an invalid literal (regex, time
 * pattern, JSONPath, XPath), or when prefix/suffix are unusable.
 */
export function compileTemplate(text: string, options?: { prefix?: string; suffix?: string }): CompiledTemplate {
  const prefix = options?.prefix ?? '{';
  const suffix = options?.suffix ?? '}';
  if (prefix === '') throw new Error('template variable prefix must not be empty');
  // A suffix starting with a name character would be read as part of the variable name.
  if (!/^[^-a-zA-Z0-9_.]/.test(suffix)) throw new Error(`template variable suffix "${suffix}" must not be empty or start with a letter, digit, "_", "-" or "."`);

  const parts = parseTemplate(text, prefix, suffix);
  const variables = collectVariables(parts);
  if (parts.every((part) => typeof part === 'string')) {
    return { isStatic: true, variables, render: () => text };
  }
  const segments: Segment[] = parts.map((part) => {
    if (typeof part === 'string') return part;
    if (part.kind === 'variable') return { variable: part.name };
    return { call: compileCall(part.name, part.args, text) };
  });
  return {
    isStatic: false,
    variables,
    render(vars, renderOptions) {
      const strict = renderOptions?.strict === true;
      let out = '';
      for (const segment of segments) {
        if (typeof segment === 'string') {
          out += segment;
        } else if ('variable' in segment) {
          const value = toTemplateText(vars.getVariable(segment.variable));
          if (value !== undefined) out += value;
          else if (strict) throw new UnresolvedVariableError(segment.variable);
        } else {
          out += segment.call(vars) ?? '';
        }
      }
      return out;
    },
  };
}

function compileCall(name: string, args: readonly TemplateExpression[], text: string): TemplateEvaluator {
  const fn = templateFunctions.get(name);
  // compat §11: an unknown function resolves to an empty string.
  if (fn === undefined) return () => undefined;
  if (args.length < fn.minArgs || args.length > fn.maxArgs) {
    const expected = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs === Number.POSITIVE_INFINITY ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
    throw new Error(`invalid template "${abbreviate(text)}": ${name}() takes ${expected} argument(s), got ${args.length}`);
  }
  let evaluate: TemplateEvaluator;
  try {
    evaluate = fn.compile(args.map((arg) => toArgument(arg, text)));
  } catch (err) {
    throw new Error(`invalid template "${abbreviate(text)}": ${name}(): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return (vars) => {
    try {
      return evaluate(vars);
    } catch {
      // Bad input at run time (text that is not JSON, a regex from a variable that does not compile) renders as "".
      return undefined;
    }
  };
}

function toArgument(expression: TemplateExpression, text: string): TemplateArgument {
  switch (expression.kind) {
    case 'literal': {
      const { value } = expression;
      return { literal: value, read: () => value };
    }
    case 'variable': {
      const { name } = expression;
      return { literal: undefined, read: (vars) => vars.getVariable(name) };
    }
    case 'call': {
      const call = compileCall(expression.name, expression.args, text);
      return { literal: undefined, read: call };
    }
  }
}

function collectVariables(parts: readonly TemplatePart[]): string[] {
  const names = new Set<string>();
  const visit = (expression: TemplateExpression): void => {
    if (expression.kind === 'variable') names.add(expression.name);
    else if (expression.kind === 'call') expression.args.forEach(visit);
  };
  for (const part of parts) if (typeof part !== 'string') visit(part);
  return [...names];
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
