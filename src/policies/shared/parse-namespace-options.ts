// The <Options> JSONToXML and XMLToJSON read alike: an option's text, and the namespace options that only work together.
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyReport } from './policy-xml.js';

export interface NamespaceOptions {
  readonly namespaceBlockName: string | undefined;
  readonly defaultNamespaceNodeName: string | undefined;
  readonly namespaceSeparator: string | undefined;
}

/** The trimmed text of `<Options>/<name>`, or undefined when absent or empty; a repeated option is reported. */
export function parseOptionText(options: XmlElement | undefined, name: string, report: PolicyReport): string | undefined {
  if (!options) return undefined;
  const elements = childElements(options, name);
  if (elements.length > 1) report(`<Options>/<${name}> appears more than once`);
  const value = elements[0]?.text.trim();
  return value === '' ? undefined : value;
}

/** NamespaceBlockName, DefaultNamespaceNodeName and NamespaceSeparator; the first requires the other two. */
export function parseNamespaceOptions(options: XmlElement | undefined, report: PolicyReport): NamespaceOptions {
  const namespaceBlockName = parseOptionText(options, 'NamespaceBlockName', report);
  const defaultNamespaceNodeName = parseOptionText(options, 'DefaultNamespaceNodeName', report);
  const namespaceSeparator = parseOptionText(options, 'NamespaceSeparator', report);
  if (namespaceBlockName !== undefined && (defaultNamespaceNodeName === undefined || namespaceSeparator === undefined)) {
    report('<Options>/<NamespaceBlockName> requires <DefaultNamespaceNodeName> and <NamespaceSeparator>');
  }
  return { namespaceBlockName, defaultNamespaceNodeName, namespaceSeparator };
}
