// Safe XML parsing for bundle files: refuses DTDs and entities, bounds depth and size, returns an XmlElement tree.
import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import type { XmlElement } from './xml-element.js';

export interface XmlLimits {
  /** Deepest element nesting accepted. */
  maxDepth: number;
  /** Largest document accepted, in UTF-8 bytes. */
  maxBytes: number;
}

export const defaultXmlLimits: XmlLimits = {
  maxDepth: 64,
  maxBytes: 4 * 1024 * 1024,
};

/** Thrown for malformed or refused XML; the message is user-facing and carries a line number when known. */
export class XmlError extends Error {
  override name = 'XmlError';
}

/**
 * The parser settings every XML reader of Baton uses (bundle files, XMLToJSON payloads): ordered nodes, text kept as
 * written, no entity or DTD processing. Each reader adds its own `maxNestedTags`.
 */
export const safeXmlParserOptions: Readonly<X2jOptions> = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded by decodeEntities below: no DTD processing can ever run (reliability-security §3.3).
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  removeNSPrefix: false,
  allowBooleanAttributes: false,
  // A tag or attribute named __proto__, constructor or prototype makes the parser throw: such a document is refused.
  onDangerousProperty: (name: string) => name,
};

const parser = new XMLParser({ ...safeXmlParserOptions, maxNestedTags: defaultXmlLimits.maxDepth + 1 });

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric character references; anything else is an error. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{0,12});/g, (_whole, body: string) => {
    if (Object.hasOwn(PREDEFINED, body)) return PREDEFINED[body]!;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (numeric) {
      const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
      // XML 1.0 §2.2 Char production: no NUL, no surrogates, nothing past U+10FFFF.
      const valid = codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd
        || (codePoint >= 0x20 && codePoint <= 0xd7ff) || (codePoint >= 0xe000 && codePoint <= 0xfffd)
        || (codePoint >= 0x10000 && codePoint <= 0x10ffff);
      if (!valid) throw new XmlError(`invalid character reference &${body};`);
      return String.fromCodePoint(codePoint);
    }
    throw new XmlError(`undefined entity &${body};`);
  });
}

type OrderedNode = Record<string, unknown>;

function toElement(node: OrderedNode, depth: number, limits: XmlLimits): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === '#text' || name === '#cdata' || name.startsWith('?')) return undefined;
  if (depth > limits.maxDepth) throw new XmlError(`elements nested deeper than ${limits.maxDepth}`);
  const attrs: Record<string, string> = Object.create(null);
  const rawAttrs = node[':@'];
  if (rawAttrs && typeof rawAttrs === 'object') {
    for (const [k, v] of Object.entries(rawAttrs as Record<string, unknown>)) attrs[k] = decodeEntities(String(v));
  }
  const children: XmlElement[] = [];
  let text = '';
  const content = node[name];
  if (Array.isArray(content)) {
    for (const child of content as OrderedNode[]) {
      if (Object.hasOwn(child, '#text')) text += decodeEntities(String(child['#text']));
      else if (Object.hasOwn(child, '#cdata')) {
        const cdata = child['#cdata'];
        if (Array.isArray(cdata)) for (const part of cdata as OrderedNode[]) text += String(part['#text'] ?? '');
      } else {
        const el = toElement(child, depth + 1, limits);
        if (el) children.push(el);
      }
    }
  }
  return { name, attrs, children, text };
}

/**
 * Parses one XML document into its root element. Refuses DOCTYPE and ENTITY declarations before parsing,
 * malformed documents (with the validator's line number), documents over the size limit and deep nesting.
 */
export function parseXml(source: string | Uint8Array, limits: XmlLimits = defaultXmlLimits): XmlElement {
  const bytes = typeof source === 'string' ? Buffer.byteLength(source) : source.byteLength;
  if (bytes > limits.maxBytes) throw new XmlError(`XML document of ${bytes} bytes exceeds the limit of ${limits.maxBytes}`);
  let text = typeof source === 'string' ? source : new TextDecoder('utf-8', { fatal: false }).decode(source);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new XmlError('DOCTYPE and ENTITY declarations are not allowed');
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new XmlError(`malformed XML at line ${line}: ${msg}`);
  }
  let ordered: unknown;
  try {
    ordered = parser.parse(text);
  } catch (err) {
    throw new XmlError(`malformed XML: ${(err as Error).message}`, { cause: err });
  }
  const roots = (ordered as OrderedNode[]).map((n) => toElement(n, 1, limits)).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new XmlError(roots.length === 0 ? 'no root element' : 'more than one root element');
  return roots[0]!;
}
