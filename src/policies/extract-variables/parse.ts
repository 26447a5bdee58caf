// ExtractVariables at import: XML → ExtractVariablesConfig (compat §8); patterns, JSONPaths and XPaths are checked here.
import { attr, childElements, childText, type XmlElement } from '../../bundle/xml-element.js';
import { compileJsonPath } from '../../engine/json-path.js';
import { compileXPath } from '../../engine/xml-path.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';
import { compileExtractPattern } from './compile-extract-pattern.js';

export const EXTRACT_VALUE_TYPES = ['string', 'boolean', 'integer', 'long', 'float', 'double', 'nodeset'] as const;
export type ExtractValueType = (typeof EXTRACT_VALUE_TYPES)[number];

export interface ExtractPattern {
  readonly text: string;
  readonly ignoreCase: boolean;
}

/** A named query parameter, header, form parameter or flow variable and its patterns (the first that matches wins). */
export interface ParamExtraction {
  readonly name: string;
  readonly patterns: readonly ExtractPattern[];
}

/** `<Variable name type><JSONPath|XPath>` */
export interface PayloadVariable {
  readonly name: string;
  readonly type: ExtractValueType;
  readonly path: string;
}

export interface XmlPayloadConfig {
  /** Stop after the first variable that gets a value. */
  readonly stopPayloadProcessing: boolean;
  readonly namespaces: Readonly<Record<string, string>>;
  readonly variables: readonly PayloadVariable[];
}

export interface ExtractVariablesConfig {
  /** Message variable (or variable holding JSON/XML text) extracted from; `message` by default. */
  readonly source: string;
  /** Results land in `<prefix>.<name>`, or `<name>` without a prefix. */
  readonly variablePrefix?: string;
  /** False (Apigee's default): a JSONPath that matches nothing, or a payload that does not parse, raises a fault. */
  readonly ignoreUnresolvedVariables: boolean;
  /** URIPath patterns, matched against `proxy.pathsuffix`; the first that matches wins. */
  readonly uriPath: readonly ExtractPattern[];
  readonly queryParams: readonly ParamExtraction[];
  readonly headers: readonly ParamExtraction[];
  readonly formParams: readonly ParamExtraction[];
  readonly variables: readonly ParamExtraction[];
  readonly jsonPayload?: { readonly variables: readonly PayloadVariable[] };
  readonly xmlPayload?: XmlPayloadConfig;
}

const PATTERN_ONLY: ReadonlySet<string> = new Set(['Pattern']);
const EXTRACTIONS = ['URIPath', 'QueryParam', 'Header', 'FormParam', 'Variable', 'JSONPayload', 'XMLPayload'];
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, ...EXTRACTIONS, 'Source', 'VariablePrefix']);

export function parseExtractVariables(el: XmlElement, ctx: PolicyParseContext): ExtractVariablesConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  if (!el.children.some((c) => EXTRACTIONS.includes(c.name))) {
    report('at least one of URIPath, QueryParam, Header, FormParam, Variable, XMLPayload, JSONPayload is mandatory');
  }
  const variablePrefix = childText(el, 'VariablePrefix');
  const jsonPayloads = childElements(el, 'JSONPayload');
  const xmlPayloads = childElements(el, 'XMLPayload');
  if (jsonPayloads.length > 1) report('<JSONPayload> appears more than once');
  if (xmlPayloads.length > 1) report('<XMLPayload> appears more than once');
  return {
    source: childText(el, 'Source') ?? 'message',
    variablePrefix,
    ignoreUnresolvedVariables: parseBooleanChild(el, 'IgnoreUnresolvedVariables', false, report),
    uriPath: childElements(el, 'URIPath').flatMap((uriPath) => parsePatterns(uriPath, true, report)),
    queryParams: parseParamExtractions(el, 'QueryParam', report),
    headers: parseParamExtractions(el, 'Header', report),
    formParams: parseParamExtractions(el, 'FormParam', report),
    variables: parseParamExtractions(el, 'Variable', report),
    jsonPayload: jsonPayloads[0] && { variables: parsePayloadVariables(jsonPayloads[0], 'JSONPath', {}, report) },
    xmlPayload: xmlPayloads[0] && parseXmlPayload(xmlPayloads[0], report),
  };
}

function parseParamExtractions(el: XmlElement, elementName: string, report: PolicyReport): ParamExtraction[] {
  return childElements(el, elementName).flatMap((child) => {
    const name = attr(child, 'name')?.trim();
    if (!name) {
      report(`<${elementName}> needs a name attribute`);
      return [];
    }
    return [{ name, patterns: parsePatterns(child, false, report) }];
  });
}

function parsePatterns(el: XmlElement, segmentVariables: boolean, report: PolicyReport): ExtractPattern[] {
  const where = el.name === 'URIPath' ? '<URIPath>' : `<${el.name} name="${attr(el, 'name') ?? ''}">`;
  reportUnknownChildren(el, PATTERN_ONLY, report);
  const patterns = childElements(el, 'Pattern');
  if (patterns.length === 0) report(`${where} needs at least one <Pattern>`);
  return patterns.flatMap((pattern) => {
    const text = pattern.text.trim();
    const ignoreCase = parseBooleanText(attr(pattern, 'ignoreCase'), false, `${where}<Pattern ignoreCase>`, report);
    try {
      compileExtractPattern(text, { ignoreCase, segmentVariables });
    } catch (err) {
      report(`${where}: ${(err as Error).message}`);
      return [];
    }
    return [{ text, ignoreCase }];
  });
}

function parseXmlPayload(el: XmlElement, report: PolicyReport): XmlPayloadConfig {
  reportUnknownChildren(el, new Set(['Namespaces', 'Variable']), report);
  const namespaces: Record<string, string> = Object.create(null);
  for (const ns of childElements(el, 'Namespaces').flatMap((n) => childElements(n, 'Namespace'))) {
    const prefix = attr(ns, 'prefix')?.trim();
    const uri = ns.text.trim();
    if (!prefix || uri === '') report('<Namespace> needs a prefix attribute and a URI');
    else namespaces[prefix] = uri;
  }
  return {
    stopPayloadProcessing: parseBooleanText(attr(el, 'stopPayloadProcessing'), false, '<XMLPayload stopPayloadProcessing>', report),
    namespaces,
    variables: parsePayloadVariables(el, 'XPath', namespaces, report),
  };
}

function parsePayloadVariables(el: XmlElement, pathElement: 'JSONPath' | 'XPath', namespaces: Record<string, string>, report: PolicyReport): PayloadVariable[] {
  const where = `<${el.name}>`;
  const variables = childElements(el, 'Variable');
  if (variables.length === 0) report(`${where} needs at least one <Variable>`);
  return variables.flatMap((variable) => {
    const name = attr(variable, 'name')?.trim();
    const type = attr(variable, 'type')?.trim() ?? 'string';
    const path = childText(variable, pathElement);
    if (!name) report(`${where}<Variable> needs a name attribute`);
    if (!isExtractValueType(type)) report(`${where}<Variable name="${name ?? ''}"> type must be one of ${EXTRACT_VALUE_TYPES.join(', ')}, got "${type}"`);
    if (path === undefined) report(`${where}<Variable name="${name ?? ''}"> needs a <${pathElement}>`);
    else checkPath(path, pathElement, namespaces, `${where}<Variable name="${name ?? ''}">`, report);
    if (!name || path === undefined || !isExtractValueType(type)) return [];
    return [{ name, type, path }];
  });
}

function checkPath(path: string, kind: 'JSONPath' | 'XPath', namespaces: Record<string, string>, where: string, report: PolicyReport): void {
  try {
    if (kind === 'JSONPath') compileJsonPath(path);
    else compileXPath(path, namespaces);
  } catch (err) {
    report(`${where}: ${(err as Error).message}`);
  }
}

function isExtractValueType(type: string): type is ExtractValueType {
  return (EXTRACT_VALUE_TYPES as readonly string[]).includes(type);
}
