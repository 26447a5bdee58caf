// JSONToXML at import: XML → JsonToXmlConfig; <Options> with Apigee's defaults filled in.
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { parseNamespaceOptions, parseOptionText } from '../shared/parse-namespace-options.js';
import { COMMON_POLICY_CHILDREN, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';
import type { JsonToXmlOptions } from './to-xml-document.js';

export interface JsonToXmlConfig {
  /** Default `message`: the request in request flows, the response otherwise. A text variable may also be converted. */
  readonly source: string;
  /** Default: the source. Required when the source is a text variable. */
  readonly outputVariable?: string;
  readonly options: JsonToXmlOptions;
}

const OPTION_NAMES = ['NullValue', 'NamespaceBlockName', 'DefaultNamespaceNodeName', 'NamespaceSeparator', 'TextNodeName', 'AttributeBlockName',
  'AttributePrefix', 'InvalidCharsReplacement', 'ObjectRootElementName', 'ArrayRootElementName', 'ArrayItemElementName', 'OmitXmlDeclaration'];
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Source', 'OutputVariable', 'Options']);

export function parseJsonToXml(el: XmlElement, ctx: PolicyParseContext): JsonToXmlConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const optionsElements = childElements(el, 'Options');
  if (optionsElements.length > 1) report('<Options> appears more than once');
  const options = optionsElements[0];
  if (options) reportUnknownChildren(options, new Set(OPTION_NAMES), report);
  const text = (name: string) => parseOptionText(options, name, report);
  const { namespaceBlockName, defaultNamespaceNodeName, namespaceSeparator } = parseNamespaceOptions(options, report);
  return {
    source: childElements(el, 'Source')[0]?.text.trim() || 'message',
    outputVariable: childElements(el, 'OutputVariable')[0]?.text.trim() || undefined,
    options: {
      nullValue: text('NullValue') ?? 'NULL',
      namespaceBlockName,
      defaultNamespaceNodeName,
      namespaceSeparator,
      textNodeName: text('TextNodeName'),
      attributeBlockName: text('AttributeBlockName'),
      attributePrefix: text('AttributePrefix'),
      // An empty <InvalidCharsReplacement/> removes invalid characters.
      invalidCharsReplacement: options && childElements(options, 'InvalidCharsReplacement').length > 0 ? (text('InvalidCharsReplacement') ?? '') : '_',
      objectRootElementName: checkName(text('ObjectRootElementName') ?? 'Root', 'ObjectRootElementName', report),
      arrayRootElementName: checkName(text('ArrayRootElementName') ?? 'Array', 'ArrayRootElementName', report),
      arrayItemElementName: checkName(text('ArrayItemElementName') ?? 'Item', 'ArrayItemElementName', report),
      omitXmlDeclaration: parseBooleanText(text('OmitXmlDeclaration'), false, '<Options>/<OmitXmlDeclaration>', report),
    },
  };
}

function checkName(name: string, option: string, report: PolicyReport): string {
  if (!/^[A-Za-z_][-A-Za-z0-9_.]*(?::[A-Za-z_][-A-Za-z0-9_.]*)?$/.test(name)) report(`<Options>/<${option}> "${name}" is not a valid XML element name`);
  return name;
}
