// XMLToJSON at import: XML → XmlToJsonConfig; <Options> or a documented <Format> (xml.com, yahoo, google, badgerFish) resolved to options.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { parseNamespaceOptions, parseOptionText } from '../shared/parse-namespace-options.js';
import { COMMON_POLICY_CHILDREN, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export interface TreatAsArrayPath {
  /** Element local names from the root, `a/b/c`. */
  readonly path: string;
  /** The parent's value becomes the array itself instead of an object holding it. */
  readonly unwrap: boolean;
}

export interface XmlToJsonOptions {
  readonly recognizeNumber: boolean;
  readonly recognizeBoolean: boolean;
  /** An empty element becomes null (or the NullValue text when it is not `NULL`). */
  readonly recognizeNull: boolean;
  readonly nullValue: string;
  /** Keeps namespace prefixes in names as `prefix<sep>local`; without it prefixes are dropped. */
  readonly namespaceSeparator?: string;
  /** Where namespace declarations go; without it they are dropped. */
  readonly namespaceBlockName?: string;
  readonly defaultNamespaceNodeName?: string;
  readonly textAlwaysAsProperty: boolean;
  readonly textNodeName: string;
  readonly attributeBlockName?: string;
  readonly attributePrefix: string;
  readonly outputPrefix: string;
  readonly outputSuffix: string;
  readonly stripLevels: number;
  readonly treatAsArray: readonly TreatAsArrayPath[];
  /** BadgerFish convention: every element lists all namespaces in scope, not only its own declarations. */
  readonly badgerFish: boolean;
}

export interface XmlToJsonConfig {
  /** Default `message`. A text variable may also be converted. */
  readonly source: string;
  /** Default: the source. Required when the source is a text variable. */
  readonly outputVariable?: string;
  readonly options: XmlToJsonOptions;
}

export const DEFAULT_XML_TO_JSON_OPTIONS: XmlToJsonOptions = {
  recognizeNumber: false,
  recognizeBoolean: false,
  recognizeNull: false,
  nullValue: 'NULL',
  textAlwaysAsProperty: false,
  textNodeName: '#text',
  attributePrefix: '',
  outputPrefix: '',
  outputSuffix: '',
  stripLevels: 0,
  treatAsArray: [],
  badgerFish: false,
};

/** The predefined formats of the XMLToJSON reference, as option sets. */
export const XML_TO_JSON_FORMATS: Readonly<Record<string, Partial<XmlToJsonOptions>>> = {
  'xml.com': { recognizeNull: true, textNodeName: '#text', attributePrefix: '@' },
  yahoo: { recognizeNumber: true, textNodeName: 'content' },
  google: { textNodeName: '$t', namespaceSeparator: '$', textAlwaysAsProperty: true },
  badgerFish: {
    badgerFish: true, textNodeName: '$', textAlwaysAsProperty: true, attributePrefix: '@',
    namespaceSeparator: ':', namespaceBlockName: '@xmlns', defaultNamespaceNodeName: '$',
  },
};

const OPTION_NAMES = ['RecognizeNumber', 'RecognizeBoolean', 'RecognizeNull', 'NullValue', 'NamespaceSeparator', 'NamespaceBlockName',
  'DefaultNamespaceNodeName', 'TextAlwaysAsProperty', 'TextNodeName', 'AttributeBlockName', 'AttributePrefix', 'OutputPrefix', 'OutputSuffix',
  'StripLevels', 'TreatAsArray'];
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Source', 'OutputVariable', 'Options', 'Format']);

export function parseXmlToJson(el: XmlElement, ctx: PolicyParseContext): XmlToJsonConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const optionsElements = childElements(el, 'Options');
  const formatElements = childElements(el, 'Format');
  if (optionsElements.length > 1) report('<Options> appears more than once');
  // Apigee's deployment error EitherOptionOrFormat.
  if ((optionsElements.length > 0) === (formatElements.length > 0)) report('exactly one of <Options> or <Format> is required (EitherOptionOrFormat)');
  const base = {
    source: childElements(el, 'Source')[0]?.text.trim() || 'message',
    outputVariable: childElements(el, 'OutputVariable')[0]?.text.trim() || undefined,
  };
  const format = formatElements[0]?.text.trim();
  if (format !== undefined && optionsElements.length === 0) return { ...base, options: parseFormat(format, report) };
  return { ...base, options: parseOptions(optionsElements[0], report) };
}

function parseFormat(format: string, report: PolicyReport): XmlToJsonOptions {
  const key = Object.keys(XML_TO_JSON_FORMATS).find((name) => name.toLowerCase() === format.toLowerCase());
  if (!key) {
    report(`<Format> "${format}" is not supported; supported formats are ${Object.keys(XML_TO_JSON_FORMATS).join(', ')} (UnknownFormat)`);
    return DEFAULT_XML_TO_JSON_OPTIONS;
  }
  return { ...DEFAULT_XML_TO_JSON_OPTIONS, ...XML_TO_JSON_FORMATS[key] };
}

function parseOptions(options: XmlElement | undefined, report: PolicyReport): XmlToJsonOptions {
  if (!options) return DEFAULT_XML_TO_JSON_OPTIONS;
  reportUnknownChildren(options, new Set(OPTION_NAMES), report);
  const text = (name: string): string | undefined => parseOptionText(options, name, report);
  const flag = (name: string, fallback: boolean) => parseBooleanText(text(name), fallback, `<Options>/<${name}>`, report);
  const defaults = DEFAULT_XML_TO_JSON_OPTIONS;
  const { namespaceBlockName, defaultNamespaceNodeName, namespaceSeparator } = parseNamespaceOptions(options, report);
  return {
    recognizeNumber: flag('RecognizeNumber', defaults.recognizeNumber),
    recognizeBoolean: flag('RecognizeBoolean', defaults.recognizeBoolean),
    recognizeNull: flag('RecognizeNull', defaults.recognizeNull),
    nullValue: text('NullValue') ?? defaults.nullValue,
    namespaceSeparator,
    namespaceBlockName,
    defaultNamespaceNodeName,
    textAlwaysAsProperty: flag('TextAlwaysAsProperty', defaults.textAlwaysAsProperty),
    textNodeName: text('TextNodeName') ?? defaults.textNodeName,
    attributeBlockName: text('AttributeBlockName'),
    attributePrefix: text('AttributePrefix') ?? defaults.attributePrefix,
    // Prefix and suffix are emitted as written: surrounding spaces may matter (JSONP callbacks, wrappers).
    outputPrefix: childElements(options, 'OutputPrefix')[0]?.text ?? defaults.outputPrefix,
    outputSuffix: childElements(options, 'OutputSuffix')[0]?.text ?? defaults.outputSuffix,
    stripLevels: parseStripLevels(text('StripLevels'), report),
    treatAsArray: parseTreatAsArray(options, report),
    badgerFish: false,
  };
}

function parseStripLevels(text: string | undefined, report: PolicyReport): number {
  if (text === undefined) return 0;
  if (!/^\d{1,3}$/.test(text)) {
    report(`<Options>/<StripLevels> must be a non-negative integer, got "${text}"`);
    return 0;
  }
  return Number(text);
}

function parseTreatAsArray(options: XmlElement, report: PolicyReport): TreatAsArrayPath[] {
  return childElements(options, 'TreatAsArray').flatMap((block) => {
    reportUnknownChildren(block, new Set(['Path']), report);
    return childElements(block, 'Path').flatMap((pathElement) => {
      const path = pathElement.text.trim().replace(/^\/+|\/+$/g, '');
      if (path === '' || path.split('/').some((part) => part === '')) {
        report(`<TreatAsArray>/<Path> "${pathElement.text.trim()}" must be element names separated by /`);
        return [];
      }
      return [{ path, unwrap: parseBooleanText(attr(pathElement, 'unwrap'), false, '<TreatAsArray>/<Path unwrap>', report) }];
    });
  });
}
