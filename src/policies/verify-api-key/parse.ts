// VerifyAPIKey at import: XML → VerifyApiKeyConfig (compat §8), every problem reported with the policy's name.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';

/** `<APIKey ref="request.queryparam.apikey"/>`, or a literal key as the element's text; both may be set (the ref wins when it resolves). */
export interface VerifyApiKeyConfig {
  readonly ref?: string;
  readonly literal?: string;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'APIKey']);

export function parseVerifyApiKey(el: XmlElement, ctx: PolicyParseContext): VerifyApiKeyConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const keys = childElements(el, 'APIKey');
  if (keys.length > 1) report(`<APIKey> appears ${keys.length} times; expected once`);
  const key = keys[0];
  if (!key) {
    report('<APIKey> is required (e.g. <APIKey ref="request.queryparam.apikey"/>)');
    return {};
  }
  if (key.children.length > 0) report('<APIKey> takes a ref attribute or text, not child elements');
  const ref = attr(key, 'ref')?.trim();
  const literal = key.text.trim();
  if (ref === '') report('<APIKey ref=""> is empty; name the flow variable that holds the key');
  if (ref === undefined && literal === '') report('<APIKey> needs a ref attribute naming the flow variable that holds the key');
  return {
    ...(ref ? { ref } : {}),
    ...(literal !== '' ? { literal } : {}),
  };
}
