// Reading the XML that Quota and SpikeArrest share at import: single children, `ref` attributes, Identifier, MessageWeight.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyReport } from './policy-xml.js';

/** A value given by a flow variable, a literal, or both (the variable wins when it resolves, compat §8). */
export interface RefOrValue<T> {
  readonly ref?: string;
  readonly value?: T;
}

/** The only child named `name`, or undefined; a repeated child is reported. */
export function singleChild(el: XmlElement, name: string, report: PolicyReport): XmlElement | undefined {
  const children = childElements(el, name);
  if (children.length > 1) report(`<${name}> appears ${children.length} times; expected at most once`);
  return children[0];
}

/** A trimmed, non-empty attribute, or undefined. */
export function refAttr(el: XmlElement, name = 'ref'): string | undefined {
  const value = attr(el, name)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Decimal digits only (no sign, no fraction), within the safe integer range. */
export function parseWholeNumber(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** `<Identifier ref="…"/>`: the variable whose value names the counter; absent means one counter for all. */
export function parseIdentifierRef(el: XmlElement, report: PolicyReport): string | undefined {
  const identifier = singleChild(el, 'Identifier', report);
  if (!identifier) return undefined;
  const ref = refAttr(identifier);
  if (ref === undefined) report('<Identifier> needs a ref attribute naming the flow variable that identifies the client');
  return ref;
}

/** `<MessageWeight ref="…">n</MessageWeight>`: how much one message counts (default 1). */
export function parseMessageWeight(el: XmlElement, report: PolicyReport): RefOrValue<number> | undefined {
  const weight = singleChild(el, 'MessageWeight', report);
  if (!weight) return undefined;
  const ref = refAttr(weight);
  const text = weight.text.trim();
  const value = text === '' ? undefined : parseWholeNumber(text);
  if (text !== '' && value === undefined) report(`<MessageWeight> must be a whole number, got "${text}"`);
  if (ref === undefined && text === '') report('<MessageWeight> needs a ref attribute or a whole number');
  return { ref, value };
}
