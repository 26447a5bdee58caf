// The XML element tree every bundle file is parsed into: ordered, prototype-free, and read only through these helpers.

/** One XML element. `attrs` has no prototype; `children` keeps document order; `text` is the element's own text (entities decoded). */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated direct text and CDATA content, untrimmed. */
  readonly text: string;
  /** 1-based line of the start tag, when known. */
  readonly line?: number;
}

/** First direct child with this element name (case-sensitive, as Apigee's schema is). */
export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** Every direct child with this element name, in document order. */
export function childElements(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Trimmed text of the first child with this name, or undefined when it is absent or empty. */
export function childText(el: XmlElement, name: string): string | undefined {
  const child = childElement(el, name);
  if (!child) return undefined;
  const text = child.text.trim();
  return text === '' ? undefined : text;
}

/** An attribute value, or undefined. Safe for names like `__proto__` because `attrs` has no prototype. */
export function attr(el: XmlElement, name: string): string | undefined {
  return Object.hasOwn(el.attrs, name) ? el.attrs[name] : undefined;
}

/** Parses an XML boolean the way Apigee does: `true` (any case) is true, anything else is the fallback or false. */
export function toBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return fallback;
}
