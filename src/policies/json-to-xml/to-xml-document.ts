// JSON value → XML text with Apigee's JSONToXML options, written iteratively (deep input cannot exhaust the call stack).

export interface JsonToXmlOptions {
  /** A JSON string equal to this becomes an empty element (JSON null always does). */
  readonly nullValue: string;
  /** A property with this name holds namespace declarations: prefix → URI. */
  readonly namespaceBlockName?: string;
  /** Inside the namespace block, the key of the default namespace. */
  readonly defaultNamespaceNodeName?: string;
  /** Splits `prefix<sep>local` property names into a prefixed element name. */
  readonly namespaceSeparator?: string;
  /** A property with this name becomes the element's text. */
  readonly textNodeName?: string;
  /** A property with this name holds the element's attributes. */
  readonly attributeBlockName?: string;
  /** Properties whose name starts with this become attributes (the prefix removed). */
  readonly attributePrefix?: string;
  /** Replaces each run of characters that cannot appear in an XML name. */
  readonly invalidCharsReplacement: string;
  readonly objectRootElementName: string;
  readonly arrayRootElementName: string;
  readonly arrayItemElementName: string;
  readonly omitXmlDeclaration: boolean;
}

type Task = string | { readonly name: string; readonly value: unknown; readonly itemName: string };

const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NOT_NAME_CHAR = /[^-.0-9A-Za-z_\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]+/g;
// XML 1.0 §2.2: characters that may not appear in a document at all.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function toXmlDocument(json: unknown, options: JsonToXmlOptions): string {
  const out: string[] = options.omitXmlDeclaration ? [] : ['<?xml version="1.0" encoding="UTF-8"?>'];
  const stack: Task[] = [toRootTask(json, options)];
  while (stack.length > 0) {
    const task = stack.pop()!;
    if (typeof task === 'string') {
      out.push(task);
      continue;
    }
    writeElement(task, options, out, stack);
  }
  return out.join('');
}

function toRootTask(json: unknown, options: JsonToXmlOptions): Task {
  if (Array.isArray(json)) return { name: options.arrayRootElementName, value: json, itemName: options.arrayItemElementName };
  if (isObject(json)) {
    const keys = Object.keys(json);
    const only = keys[0];
    // A single property that is an element (not an array, attribute, text or namespace block) names the root itself.
    if (keys.length === 1 && only !== undefined && !isSpecialKey(only, options) && !Array.isArray(json[only])) {
      return { name: toElementName(only, options), value: json[only], itemName: options.arrayItemElementName };
    }
  }
  return { name: options.objectRootElementName, value: json, itemName: options.arrayItemElementName };
}

function writeElement(task: Exclude<Task, string>, options: JsonToXmlOptions, out: string[], stack: Task[]): void {
  const { name, value } = task;
  if (value === null || value === undefined || value === options.nullValue) {
    out.push(`<${name}/>`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`<${name}/>`);
      return;
    }
    out.push(`<${name}>`);
    stack.push(`</${name}>`);
    for (let i = value.length - 1; i >= 0; i--) stack.push({ name: task.itemName, value: value[i], itemName: options.arrayItemElementName });
    return;
  }
  if (!isObject(value)) {
    out.push(`<${name}>${escapeText(String(value))}</${name}>`);
    return;
  }
  let attributes = '';
  const children: Task[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key === options.namespaceBlockName && isObject(child)) {
      for (const [prefix, uri] of Object.entries(child)) {
        const attribute = prefix === options.defaultNamespaceNodeName ? 'xmlns' : `xmlns:${toNamePart(prefix, options)}`;
        attributes += ` ${attribute}="${escapeAttribute(toText(uri))}"`;
      }
    } else if (key === options.attributeBlockName && isObject(child)) {
      for (const [attributeName, attributeValue] of Object.entries(child)) {
        attributes += ` ${toElementName(attributeName, options)}="${escapeAttribute(toText(attributeValue))}"`;
      }
    } else if (options.attributePrefix && key.startsWith(options.attributePrefix) && key.length > options.attributePrefix.length && !isObject(child) && !Array.isArray(child)) {
      attributes += ` ${toElementName(key.slice(options.attributePrefix.length), options)}="${escapeAttribute(toText(child))}"`;
    } else if (key === options.textNodeName && !isObject(child)) {
      const texts = Array.isArray(child) ? child : [child];
      for (const text of texts) if (text !== null && !isObject(text)) children.push(escapeText(toText(text)));
    } else if (Array.isArray(child)) {
      // An array property repeats its element; an array inside an array nests items.
      const childName = toElementName(key, options);
      for (const item of child) children.push({ name: childName, value: item, itemName: options.arrayItemElementName });
    } else {
      children.push({ name: toElementName(key, options), value: child, itemName: options.arrayItemElementName });
    }
  }
  if (children.length === 0) {
    out.push(`<${name}${attributes}/>`);
    return;
  }
  out.push(`<${name}${attributes}>`);
  stack.push(`</${name}>`);
  for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
}

function isSpecialKey(key: string, options: JsonToXmlOptions): boolean {
  return key === options.namespaceBlockName || key === options.attributeBlockName || key === options.textNodeName
    || (options.attributePrefix !== undefined && options.attributePrefix !== '' && key.startsWith(options.attributePrefix));
}

/** A property name as an element or attribute name: `prefix<sep>local` becomes `prefix:local`; invalid characters are replaced. */
function toElementName(key: string, options: JsonToXmlOptions): string {
  const separator = options.namespaceSeparator;
  if (separator) {
    const at = key.indexOf(separator);
    if (at > 0 && at + separator.length < key.length) {
      return `${toNamePart(key.slice(0, at), options)}:${toNamePart(key.slice(at + separator.length), options)}`;
    }
  }
  return toNamePart(key, options);
}

function toNamePart(text: string, options: JsonToXmlOptions): string {
  const replacement = options.invalidCharsReplacement;
  let name = text.replace(NOT_NAME_CHAR, replacement);
  if (name === '' || !NAME_START.test(name[0]!)) name = (replacement === '' || !NAME_START.test(replacement[0]!) ? '_' : replacement) + name;
  return name;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function escapeText(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
