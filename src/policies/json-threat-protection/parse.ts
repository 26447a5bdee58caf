// JSONThreatProtection at import: XML → JSONThreatProtectionConfig (limits default to -1, "no limit").
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { parseLimitChild } from '../shared/parse-limit.js';
import { COMMON_POLICY_CHILDREN, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';
import type { JsonLimits } from './scan-json.js';

export interface JsonThreatProtectionConfig extends JsonLimits {
  /** The message checked: request, response or message (the default). */
  readonly source: string;
}

const LIMITS = ['ArrayElementCount', 'ContainerDepth', 'ObjectEntryCount', 'ObjectEntryNameLength', 'StringValueLength'];
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, ...LIMITS, 'Source']);

export function parseJsonThreatProtection(el: XmlElement, ctx: PolicyParseContext): JsonThreatProtectionConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  return {
    source: childElements(el, 'Source')[0]?.text.trim() || 'message',
    arrayElementCount: parseLimitChild(el, 'ArrayElementCount', report),
    containerDepth: parseLimitChild(el, 'ContainerDepth', report),
    objectEntryCount: parseLimitChild(el, 'ObjectEntryCount', report),
    objectEntryNameLength: parseLimitChild(el, 'ObjectEntryNameLength', report),
    stringValueLength: parseLimitChild(el, 'StringValueLength', report),
  };
}
