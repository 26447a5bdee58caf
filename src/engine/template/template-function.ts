// The contract between the template compiler and the functions a template can call, plus value-to-text conversion.

import type { VariableReader } from '../variable-reader.js';

/** One argument of a function call, as the function sees it at compile time. */
export interface TemplateArgument {
  /** The text of a quoted or numeric literal (or of a raw path), known at compile time; `undefined` otherwise. */
  readonly literal: string | undefined;
  /** The argument's value: a literal's text, a variable's value (any type, `undefined`/`null` when unset), a call's result. */
  read(vars: VariableReader): unknown;
}

/** Runs a compiled call; `undefined` means "no value" and renders as "". It may throw: the caller renders that as "". */
export type TemplateEvaluator = (vars: VariableReader) => string | undefined;

export interface TemplateFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Called once per call site at compile time; throws Error when a literal argument is invalid (regex, pattern, path). */
  compile(args: readonly TemplateArgument[]): TemplateEvaluator;
}

/**
 * How a variable's value becomes template text: strings as they are, bytes as UTF-8, other values through
 * `String()` (arrays join with ","). `undefined` for an unset variable.
 */
export function toTemplateText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  try {
    return String(value);
  } catch {
    // An object without a prototype (or with a throwing toString) has no text form.
    return '';
  }
}

/** Reads an argument as text; `undefined` when unset. */
export function readText(arg: TemplateArgument, vars: VariableReader): string | undefined {
  return toTemplateText(arg.read(vars));
}

/** An argument that must be an integer (a literal or a variable holding one); `undefined` otherwise. */
export function readInteger(arg: TemplateArgument, vars: VariableReader): number | undefined {
  const text = readText(arg, vars)?.trim();
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Compiles a literal argument once (`compileLiteral` may throw: a bad literal is a deploy error) and otherwise at
 * each call, where a bad value yields `undefined`.
 */
export function compileArgument<T>(arg: TemplateArgument, compileValue: (text: string) => T): (vars: VariableReader) => T | undefined {
  if (arg.literal !== undefined) {
    const compiled = compileValue(arg.literal);
    return () => compiled;
  }
  return (vars) => {
    const text = readText(arg, vars);
    if (text === undefined) return undefined;
    try {
      return compileValue(text);
    } catch {
      return undefined;
    }
  };
}
