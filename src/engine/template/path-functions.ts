// The jsonPath() and xPath() template functions: the path is a literal compiled once, the document comes from a variable.

import { compileJsonPath } from '../json-path.js';
import { compileXPath, parseXmlDocument, type XPathEvaluator } from '../xml-path.js';
import type { VariableReader } from '../variable-reader.js';
import { readText, type TemplateArgument, type TemplateFunction } from './template-function.js';

/** A variable holding JSON text (or bytes) is parsed; one already holding an object or array is used as it is. */
function readJson(arg: TemplateArgument, vars: VariableReader): unknown {
  const value = arg.read(vars);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const text = readText(arg, vars)!;
    return JSON.parse(text) as unknown;
  }
  return value;
}

function toJsonText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * `jsonPath(path, jsonVariable[, wantArray])`. One match renders as itself (objects and arrays as JSON text), several
 * as a JSON array; `wantArray` 'true' always gives a JSON array. No match, or text that is not JSON, gives "".
 */
const jsonPath: TemplateFunction = {
  minArgs: 2,
  maxArgs: 3,
  compile: ([pathArg, jsonArg, wantArrayArg]) => {
    if (pathArg!.literal === undefined) throw new Error('the path must be written in the template, not taken from a variable');
    const select = compileJsonPath(pathArg!.literal);
    return (vars) => {
      const json = readJson(jsonArg!, vars);
      if (json === undefined) return undefined;
      const matches = select(json);
      const wantArray = wantArrayArg !== undefined && readText(wantArrayArg, vars)?.trim().toLowerCase() === 'true';
      if (wantArray) return JSON.stringify(matches);
      if (matches.length === 0) return undefined;
      return matches.length === 1 ? toJsonText(matches[0]) : JSON.stringify(matches);
    };
  },
};

/** `'prefix:uri'`, split at the first colon. */
function toNamespace(text: string): [string, string] | undefined {
  const colon = text.indexOf(':');
  return colon > 0 ? [text.slice(0, colon).trim(), text.slice(colon + 1).trim()] : undefined;
}

function toNamespaces(texts: readonly string[]): Record<string, string> {
  const namespaces: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const text of texts) {
    const entry = toNamespace(text);
    if (entry !== undefined) namespaces[entry[0]] = entry[1];
  }
  return namespaces;
}

/**
 * `xPath(expression, xmlVariable[, namespace…])`, each namespace `'prefix:uri'` (literal or variable). Renders the
 * XPath string value: the first selected node's text, or the string, number or boolean result. Bad XML gives "".
 */
const xPath: TemplateFunction = {
  minArgs: 2,
  maxArgs: Number.POSITIVE_INFINITY,
  compile: ([expressionArg, xmlArg, ...namespaceArgs]) => {
    const expression = expressionArg!.literal;
    if (expression === undefined) throw new Error('the expression must be written in the template, not taken from a variable');
    const literalNamespaces = namespaceArgs.map((arg) => arg.literal);
    const fixed: XPathEvaluator | undefined = literalNamespaces.every((text) => text !== undefined)
      ? compileXPath(expression, toNamespaces(literalNamespaces as string[]))
      : undefined;
    // With namespaces from variables, the expression is still checked now, then compiled per call with them.
    if (fixed === undefined) compileXPath(expression);
    return (vars) => {
      const xml = readText(xmlArg!, vars);
      if (xml === undefined) return undefined;
      const select = fixed ?? compileXPath(expression, toNamespaces(namespaceArgs.map((arg) => readText(arg, vars) ?? '')));
      return select(parseXmlDocument(xml))[0];
    };
  },
};

export const pathFunctions: Readonly<Record<string, TemplateFunction>> = { jsonPath, xPath };
