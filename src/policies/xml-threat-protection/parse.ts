// XMLThreatProtection at import: XML → XmlThreatProtectionConfig (every limit defaults to -1, "no limit").
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { parseLimitChild } from '../shared/parse-limit.js';
import { COMMON_POLICY_CHILDREN, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';
import type { XmlThreatLimits } from './scan-xml.js';

export interface XmlThreatProtectionConfig extends XmlThreatLimits {
  /** The message checked: request, response or message (the default). */
  readonly source: string;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'NameLimits', 'StructureLimits', 'ValueLimits', 'Source']);
const NAME_LIMITS = new Set(['Element', 'Attribute', 'NamespacePrefix', 'ProcessingInstructionTarget']);
const STRUCTURE_LIMITS = new Set(['NodeDepth', 'AttributeCountPerElement', 'NamespaceCountPerElement', 'ChildCount']);
const VALUE_LIMITS = new Set(['Text', 'Attribute', 'NamespaceURI', 'Comment', 'ProcessingInstructionData']);

export function parseXmlThreatProtection(el: XmlElement, ctx: PolicyParseContext): XmlThreatProtectionConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const names = single(el, 'NameLimits', NAME_LIMITS, report);
  const structure = single(el, 'StructureLimits', STRUCTURE_LIMITS, report);
  const values = single(el, 'ValueLimits', VALUE_LIMITS, report);
  const childCount = structure && childElements(structure, 'ChildCount')[0];
  const include = (attribute: string) => parseBooleanText(childCount && attr(childCount, attribute), true, `<ChildCount ${attribute}>`, report);
  return {
    source: childElements(el, 'Source')[0]?.text.trim() || 'message',
    name: {
      element: parseLimitChild(names, 'Element', report),
      attribute: parseLimitChild(names, 'Attribute', report),
      namespacePrefix: parseLimitChild(names, 'NamespacePrefix', report),
      processingInstructionTarget: parseLimitChild(names, 'ProcessingInstructionTarget', report),
    },
    structure: {
      nodeDepth: parseLimitChild(structure, 'NodeDepth', report),
      attributeCountPerElement: parseLimitChild(structure, 'AttributeCountPerElement', report),
      namespaceCountPerElement: parseLimitChild(structure, 'NamespaceCountPerElement', report),
      childCount: parseLimitChild(structure, 'ChildCount', report),
      childCountIncludes: {
        comment: include('includeComment'),
        element: include('includeElement'),
        processingInstruction: include('includeProcessingInstruction'),
        text: include('includeText'),
      },
    },
    value: {
      text: parseLimitChild(values, 'Text', report),
      attribute: parseLimitChild(values, 'Attribute', report),
      namespaceUri: parseLimitChild(values, 'NamespaceURI', report),
      comment: parseLimitChild(values, 'Comment', report),
      processingInstructionData: parseLimitChild(values, 'ProcessingInstructionData', report),
    },
  };
}

function single(el: XmlElement, name: string, allowed: ReadonlySet<string>, report: PolicyReport): XmlElement | undefined {
  const elements = childElements(el, name);
  if (elements.length > 1) report(`<${name}> appears more than once`);
  const first = elements[0];
  if (first) reportUnknownChildren(first, allowed, report);
  return first;
}
