// XPath 1.0 for ExtractVariables and the xPath() template function: expressions compiled once, documents parsed strictly by xmldom.

import { createRequire } from 'node:module';
import { DOMParser, type Document } from '@xmldom/xmldom';

/** Largest XML document (in UTF-16 code units) that is parsed. */
export const MAX_XML_LENGTH = 10 * 1024 * 1024;

/** A parsed document, to evaluate several expressions against one parse. */
export type XmlDocument = Document;

/** Evaluates a compiled expression against XML text or a document from {@link parseXmlDocument}. */
export type XPathEvaluator = (xml: string | XmlDocument) => string[];

interface XPathValue {
  stringValue(): string;
}
interface XPathNodeSet extends XPathValue {
  toArray(): unknown[];
  stringForNode(node: unknown): string;
}
interface ParsedXPath {
  evaluate(options: { node: unknown; namespaces?: (prefix: string) => string | null }): XPathValue;
}
interface XPathModule {
  parse(expression: string): ParsedXPath;
}

// Loaded through require because its typings omit `parse` (the compile-once API) and pull the DOM lib into every file.
const xpath = createRequire(import.meta.url)('xpath') as XPathModule;

const FORBIDDEN_DECLARATION = /<!(?:DOCTYPE|ENTITY)/i;

/**
 * Compiles an XPath 1.0 expression. `namespaces` maps prefixes to URIs; a prefix it lacks falls back to the
 * document's own declarations. The evaluator returns the string value of each selected node (text, element text
 * content, attribute value) in document order, or one string for a string, number or boolean result.
 * @throws Error when the expression does not parse, calls an unknown function or uses a variable.
 */
export function compileXPath(expr: string, namespaces?: Record<string, string>): XPathEvaluator {
  let parsed: ParsedXPath;
  try {
    parsed = xpath.parse(expr);
  } catch (err) {
    throw new Error(`invalid XPath "${expr}": ${errorMessage(err)}`, { cause: err });
  }
  const prefixes = new Map(Object.entries(namespaces ?? {}));
  const resolveNamespace = (prefix: string): string | null => prefixes.get(prefix) ?? null;
  assertResolvable(expr, parsed, resolveNamespace);
  return (xml) => {
    const document = typeof xml === 'string' ? parseXmlDocument(xml) : xml;
    return toStrings(parsed.evaluate({ node: document, namespaces: resolveNamespace }));
  };
}

/**
 * Parses XML strictly: any xmldom warning or error throws. Documents with a DOCTYPE or ENTITY declaration, or
 * longer than {@link MAX_XML_LENGTH}, are refused before parsing (entity expansion and external entities).
 * @throws Error describing the problem.
 */
export function parseXmlDocument(xml: string): XmlDocument {
  if (xml.length > MAX_XML_LENGTH) throw new Error(`XML document exceeds ${MAX_XML_LENGTH} characters`);
  if (FORBIDDEN_DECLARATION.test(xml)) throw new Error('XML documents with a DOCTYPE or ENTITY declaration are refused');
  const parser = new DOMParser({
    locator: false,
    onError: (level, message) => {
      throw new Error(`XML ${level}: ${message}`);
    },
  });
  try {
    return parser.parseFromString(xml, 'text/xml');
  } catch (err) {
    throw new Error(`malformed XML: ${errorMessage(err)}`, { cause: err });
  }
}

function toStrings(value: XPathValue): string[] {
  if (isNodeSet(value)) return value.toArray().map((node) => value.stringForNode(node));
  return [value.stringValue()];
}

function isNodeSet(value: XPathValue): value is XPathNodeSet {
  return typeof (value as Partial<XPathNodeSet>).toArray === 'function';
}

/**
 * xpath resolves function names and `$variables` (never bound here) only when evaluating, so a dry run on a
 * one-element document surfaces most such mistakes at deploy (a branch the dry run skips goes unchecked).
 */
function assertResolvable(expr: string, parsed: ParsedXPath, namespaces: (prefix: string) => string | null): void {
  try {
    parsed.evaluate({ node: parseXmlDocument('<probe/>'), namespaces });
  } catch (err) {
    const message = errorMessage(err);
    if (message.startsWith('Unknown function') || message.startsWith('Undeclared variable')) {
      throw new Error(`invalid XPath "${expr}": ${message}`, { cause: err });
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
