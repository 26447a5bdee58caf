// Threat-protection limits at import: a non-negative integer, or -1 (or any negative, or absent) for "no limit".
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyReport } from './policy-xml.js';

/** No limit is enforced. */
export const NO_LIMIT = -1;

/** The limit in child `name` of `el`; absent, empty or negative means no limit (Apigee's default -1). */
export function parseLimitChild(el: XmlElement | undefined, name: string, report: PolicyReport): number {
  if (!el) return NO_LIMIT;
  const children = childElements(el, name);
  if (children.length > 1) report(`<${el.name}>/<${name}> appears ${children.length} times; expected at most once`);
  const text = children[0]?.text.trim();
  if (text === undefined || text === '') return NO_LIMIT;
  if (!/^-?\d{1,15}$/.test(text)) {
    report(`<${el.name}>/<${name}> must be an integer, got "${text}"`);
    return NO_LIMIT;
  }
  const value = Number(text);
  return value < 0 ? NO_LIMIT : value;
}

/** True when `value` is over a limit that is set. */
export function exceeds(value: number, limit: number): boolean {
  return limit >= 0 && value > limit;
}
