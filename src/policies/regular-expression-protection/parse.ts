// RegularExpressionProtection at import: XML → RegularExpressionProtectionConfig; every pattern, JSONPath and XPath is checked here.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import { compileJsonPath } from '../../engine/json-path.js';
import { compileXPath } from '../../engine/xml-path.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';
import { compileThreatPattern } from './compile-threat-pattern.js';

export interface NamedPatterns {
  readonly name: string;
  readonly patterns: readonly string[];
}

export interface PathPatterns {
  readonly expression: string;
  readonly patterns: readonly string[];
}

export interface RegularExpressionProtectionConfig {
  /** The message checked; default `message` (the request in request flows, the response otherwise). */
  readonly source: string;
  /** Default false: a <Variable> that does not resolve raises VariableResolutionFailed. */
  readonly ignoreUnresolvedVariables: boolean;
  readonly uriPath: readonly string[];
  readonly queryParams: readonly NamedPatterns[];
  readonly headers: readonly NamedPatterns[];
  readonly formParams: readonly NamedPatterns[];
  readonly variables: readonly NamedPatterns[];
  readonly jsonPayload?: { readonly escapeSlashCharacter: boolean; readonly paths: readonly PathPatterns[] };
  readonly xmlPayload?: { readonly namespaces: Readonly<Record<string, string>>; readonly paths: readonly PathPatterns[] };
}

const CHECKS = ['URIPath', 'QueryParam', 'Header', 'FormParam', 'Variable', 'XMLPayload', 'JSONPayload'];
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, ...CHECKS, 'Source']);

export function parseRegularExpressionProtection(el: XmlElement, ctx: PolicyParseContext): RegularExpressionProtectionConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  // Apigee's deployment error NothingToEnforce.
  if (!el.children.some((child) => CHECKS.includes(child.name))) report(`at least one of ${CHECKS.join(', ')} is mandatory (NothingToEnforce)`);
  const jsonPayloads = childElements(el, 'JSONPayload');
  const xmlPayloads = childElements(el, 'XMLPayload');
  if (jsonPayloads.length > 1) report('<JSONPayload> appears more than once');
  if (xmlPayloads.length > 1) report('<XMLPayload> appears more than once');
  return {
    source: childElements(el, 'Source')[0]?.text.trim() || 'message',
    ignoreUnresolvedVariables: parseBooleanChild(el, 'IgnoreUnresolvedVariables', false, report),
    uriPath: childElements(el, 'URIPath').flatMap((uriPath) => parsePatterns(uriPath, '<URIPath>', report)),
    queryParams: parseNamed(el, 'QueryParam', report),
    headers: parseNamed(el, 'Header', report),
    formParams: parseNamed(el, 'FormParam', report),
    variables: parseNamed(el, 'Variable', report),
    jsonPayload: jsonPayloads[0] && parseJsonPayload(jsonPayloads[0], report),
    xmlPayload: xmlPayloads[0] && parseXmlPayload(xmlPayloads[0], report),
  };
}

function parseNamed(el: XmlElement, elementName: string, report: PolicyReport): NamedPatterns[] {
  return childElements(el, elementName).flatMap((child) => {
    const name = attr(child, 'name')?.trim();
    if (!name) {
      report(`<${elementName}> needs a name attribute`);
      return [];
    }
    return [{ name, patterns: parsePatterns(child, `<${elementName} name="${name}">`, report) }];
  });
}

function parsePatterns(el: XmlElement, where: string, report: PolicyReport, extraChildren: readonly string[] = []): string[] {
  reportUnknownChildren(el, new Set(['Pattern', ...extraChildren]), report);
  const patterns = childElements(el, 'Pattern');
  // Apigee's deployment error NoPatternsToEnforce.
  if (patterns.length === 0) report(`${where} has no <Pattern> (NoPatternsToEnforce)`);
  return patterns.flatMap((pattern) => {
    // Surrounding whitespace is the XML's indentation (Apigee's own samples end a pattern with a newline).
    const text = pattern.text.trim();
    if (text === '') {
      report(`${where}: empty <Pattern>`);
      return [];
    }
    try {
      compileThreatPattern(text);
    } catch (err) {
      report(`${where}: invalid <Pattern> ${JSON.stringify(text)}: ${(err as Error).message} (InvalidRegularExpression)`);
      return [];
    }
    return [text];
  });
}

function parseJsonPayload(el: XmlElement, report: PolicyReport): NonNullable<RegularExpressionProtectionConfig['jsonPayload']> {
  reportUnknownChildren(el, new Set(['JSONPath']), report);
  const paths = childElements(el, 'JSONPath').flatMap((path): PathPatterns[] => {
    const expression = childElements(path, 'Expression')[0]?.text.trim() ?? '';
    if (expression === '') {
      report('<JSONPayload>/<JSONPath> has no <Expression> (EmptyJSONPathExpression)');
      return [];
    }
    try {
      compileJsonPath(expression);
    } catch (err) {
      report(`<JSONPayload>/<JSONPath>/<Expression> ${expression}: ${(err as Error).message} (JSONPathCompilationFailed)`);
      return [];
    }
    return [{ expression, patterns: parsePatterns(path, `<JSONPath> ${expression}`, report, ['Expression']) }];
  });
  return { escapeSlashCharacter: parseBooleanText(attr(el, 'escapeSlashCharacter'), false, '<JSONPayload escapeSlashCharacter>', report), paths };
}

function parseXmlPayload(el: XmlElement, report: PolicyReport): NonNullable<RegularExpressionProtectionConfig['xmlPayload']> {
  reportUnknownChildren(el, new Set(['Namespaces', 'XPath']), report);
  const namespaces: Record<string, string> = Object.create(null);
  for (const ns of childElements(el, 'Namespaces').flatMap((n) => childElements(n, 'Namespace'))) {
    const prefix = attr(ns, 'prefix')?.trim();
    const uri = ns.text.trim();
    if (!prefix) report('<Namespace> needs a prefix attribute');
    else if (Object.hasOwn(namespaces, prefix)) report(`<Namespace prefix="${prefix}"> appears more than once (DuplicatePrefix)`);
    else if (uri === '') report(`<Namespace prefix="${prefix}"> cannot be mapped to an empty URI (NONEmptyPrefixMappedToEmptyURI)`);
    else namespaces[prefix] = uri;
  }
  const paths = childElements(el, 'XPath').flatMap((path): PathPatterns[] => {
    const expression = childElements(path, 'Expression')[0]?.text.trim() ?? '';
    if (expression === '') {
      report('<XMLPayload>/<XPath> has no <Expression> (EmptyXPathExpression)');
      return [];
    }
    try {
      compileXPath(expression, { ...namespaces });
    } catch (err) {
      report(`<XMLPayload>/<XPath>/<Expression> ${expression}: ${(err as Error).message} (XPathCompilationFailed)`);
      return [];
    }
    return [{ expression, patterns: parsePatterns(path, `<XPath> ${expression}`, report, ['Expression', 'Type']) }];
  });
  return { namespaces, paths };
}
