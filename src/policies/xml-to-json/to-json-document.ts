// XML text → JSON text with Apigee's XMLToJSON options. DTDs are refused and nesting is bounded before any conversion.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeEntities, safeXmlParserOptions } from '../../bundle/parse-xml.js';
import type { XmlToJsonOptions } from './parse.js';

/** Deepest element nesting converted; deeper documents are refused (the conversion recurses per level). */
export const MAX_XML_TO_JSON_DEPTH = 256;

/** A payload that cannot be converted; the message becomes the ExecutionFailed reason. */
export class XmlConversionError extends Error {
  override name = 'XmlConversionError';
}

type OrderedNode = Record<string, unknown>;
/** A number kept as written in the XML, so that large or precise values are not rounded. */
class JsonNumber {
  constructor(readonly text: string) {}
}
type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

const parser = new XMLParser({ ...safeXmlParserOptions, maxNestedTags: MAX_XML_TO_JSON_DEPTH });

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

export function toJsonDocument(xml: string, options: XmlToJsonOptions): string {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') throw new XmlConversionError('the input payload is empty');
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new XmlConversionError('DOCTYPE and ENTITY declarations are not allowed');
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) throw new XmlConversionError(`${validation.err.msg} at line ${validation.err.line}`);
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (err) {
    throw new XmlConversionError((err as Error).message, { cause: err });
  }
  const root = nodes.find((node) => elementName(node) !== undefined);
  if (!root) throw new XmlConversionError('no root element');
  const converter = new Converter(options);
  const rootName = elementName(root)!;
  let value: JsonValue = Object.assign(Object.create(null) as JsonObject, {
    [converter.keyOf(rootName)]: converter.convert(root, rootName, [localName(rootName)], new Map()),
  });
  for (let level = 0; level < options.stripLevels; level++) {
    const next = onlyObjectChild(value);
    if (next === undefined) break;
    value = next;
  }
  return `${options.outputPrefix}${stringify(value)}${options.outputSuffix}`;
}

class Converter {
  private readonly arrayPaths: ReadonlyMap<string, boolean>;
  /** Arrays built from repeated elements, as opposed to values that are arrays for another reason (text lists, unwrapped arrays). */
  private readonly repeated = new WeakSet<JsonValue[]>();

  constructor(private readonly options: XmlToJsonOptions) {
    this.arrayPaths = new Map(options.treatAsArray.map((entry) => [entry.path, entry.unwrap]));
  }

  /** The JSON key of an element or attribute name: prefixed with the separator, or the local name alone. */
  keyOf(qualifiedName: string): string {
    const separator = this.options.namespaceSeparator;
    const colon = qualifiedName.indexOf(':');
    if (colon === -1) return qualifiedName;
    return separator === undefined ? qualifiedName.slice(colon + 1) : qualifiedName.slice(0, colon) + separator + qualifiedName.slice(colon + 1);
  }

  convert(node: OrderedNode, name: string, path: readonly string[], inherited: ReadonlyMap<string, string>): JsonValue {
    const options = this.options;
    const rawAttributes = (node[':@'] ?? {}) as Record<string, unknown>;
    const declared = new Map<string, string>();
    const attributes: Array<[string, string]> = [];
    for (const [attribute, rawValue] of Object.entries(rawAttributes)) {
      const value = decode(String(rawValue));
      if (attribute === 'xmlns') declared.set('', value);
      else if (attribute.startsWith('xmlns:')) declared.set(attribute.slice(6), value);
      else attributes.push([attribute, value]);
    }
    const inScope = declared.size === 0 ? inherited : new Map([...inherited, ...declared]);
    const result: JsonObject = Object.create(null) as JsonObject;
    const namespaces = options.badgerFish ? inScope : declared;
    if (options.namespaceBlockName !== undefined && namespaces.size > 0) {
      const block: JsonObject = Object.create(null) as JsonObject;
      for (const [prefix, uri] of namespaces) block[prefix === '' ? (options.defaultNamespaceNodeName ?? '$default') : prefix] = uri;
      result[options.namespaceBlockName] = block;
    }
    if (attributes.length > 0) {
      const target: JsonObject = options.attributeBlockName === undefined ? result : (result[options.attributeBlockName] = Object.create(null) as JsonObject);
      for (const [attribute, value] of attributes) target[options.attributePrefix + this.keyOf(attribute)] = options.badgerFish ? value : this.toScalar(value);
    }

    const texts: string[] = [];
    let elementChildren = 0;
    const content = Array.isArray(node[name]) ? (node[name] as OrderedNode[]) : [];
    for (const child of content) {
      const childName = elementName(child);
      if (childName === undefined) {
        const text = textOf(child);
        if (text === undefined) continue;
        const trimmed = text.trim();
        if (trimmed === '') continue;
        if (texts.length === 0 && !(options.textNodeName in result)) result[options.textNodeName] = null;
        texts.push(trimmed);
        continue;
      }
      elementChildren++;
      const key = this.keyOf(childName);
      const childPath = [...path, localName(childName)];
      const value = this.convert(child, childName, childPath, inScope);
      const existing = result[key];
      if (existing === undefined) result[key] = this.arrayPaths.has(childPath.join('/')) ? [value] : value;
      else if (Array.isArray(existing) && (this.arrayPaths.has(childPath.join('/')) || this.repeated.has(existing))) existing.push(value);
      else {
        const values = [existing, value];
        this.repeated.add(values);
        result[key] = values;
      }
    }

    const hasStructure = Object.keys(result).some((key) => key !== options.textNodeName);
    if (!hasStructure && elementChildren === 0) {
      if (texts.length === 0) {
        if (options.recognizeNull) return options.nullValue === 'NULL' ? null : options.nullValue;
        return Object.create(null) as JsonObject;
      }
      const value = texts.length === 1 ? this.toScalar(texts[0]!) : texts.map((t) => this.toScalar(t));
      return options.textAlwaysAsProperty ? Object.assign(Object.create(null) as JsonObject, { [options.textNodeName]: value }) : value;
    }
    if (texts.length > 0) result[options.textNodeName] = texts.length === 1 ? this.toScalar(texts[0]!) : texts.map((t) => this.toScalar(t));
    const keys = Object.keys(result);
    // TreatAsArray unwrap: an element holding nothing but the array takes the array as its own value.
    if (keys.length === 1) {
      const only = keys[0]!;
      const onlyValue = result[only];
      const childPath = [...path, localName(this.nameForKey(only))].join('/');
      if (Array.isArray(onlyValue) && this.arrayPaths.get(childPath) === true) return onlyValue;
    }
    return result;
  }

  private nameForKey(key: string): string {
    const separator = this.options.namespaceSeparator;
    if (separator === undefined) return key;
    const at = key.indexOf(separator);
    return at === -1 ? key : `${key.slice(0, at)}:${key.slice(at + separator.length)}`;
  }

  private toScalar(text: string): JsonValue {
    if (this.options.recognizeBoolean && (text === 'true' || text === 'false')) return text === 'true';
    if (this.options.recognizeNumber && NUMBER.test(text)) return new JsonNumber(text);
    return text;
  }
}

function elementName(node: OrderedNode): string | undefined {
  for (const key of Object.keys(node)) {
    if (key === ':@' || key === '#text' || key === '#cdata' || key.startsWith('?')) continue;
    return key;
  }
  return undefined;
}

function textOf(node: OrderedNode): string | undefined {
  if (Object.hasOwn(node, '#text')) return decode(String(node['#text']));
  if (Object.hasOwn(node, '#cdata')) {
    const parts = node['#cdata'];
    return Array.isArray(parts) ? (parts as OrderedNode[]).map((part) => String(part['#text'] ?? '')).join('') : '';
  }
  return undefined;
}

function localName(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1);
}

function decode(text: string): string {
  try {
    return decodeEntities(text);
  } catch (err) {
    throw new XmlConversionError((err as Error).message, { cause: err });
  }
}

function onlyObjectChild(value: JsonValue): JsonValue | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof JsonNumber) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const child = value[keys[0]!]!;
  return typeof child === 'object' && child !== null && !(child instanceof JsonNumber) ? child : undefined;
}

function stringify(value: JsonValue): string {
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(stringify).join(',')}]`;
  return `{${Object.keys(value).map((key) => `${JSON.stringify(key)}:${stringify(value[key]!)}`).join(',')}}`;
}
