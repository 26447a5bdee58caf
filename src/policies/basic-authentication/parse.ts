// BasicAuthentication at import: XML → BasicAuthenticationConfig; Apigee's deployment errors (UserNameRequired, …) are reported here.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export type BasicAuthenticationOperation = 'Encode' | 'Decode';

export interface BasicAuthenticationConfig {
  readonly operation: BasicAuthenticationOperation;
  /** Encode: the variable holding the user name; Decode: the variable that receives it. */
  readonly userRef: string;
  /** Encode: the variable holding the password; Decode: the variable that receives it. */
  readonly passwordRef: string;
  /** Encode: where `Basic <base64>` goes. With createNew false it is written only when the variable is unset. */
  readonly assignTo?: { readonly variable: string; readonly createNew: boolean };
  /** Decode: the variable holding `Basic <base64>`. */
  readonly source?: string;
  /** Apigee's default is true: an unresolved variable is treated as empty (Encode) or skips the policy (Decode). */
  readonly ignoreUnresolvedVariables: boolean;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Operation', 'User', 'Password', 'AssignTo', 'Source']);

export function parseBasicAuthentication(el: XmlElement, ctx: PolicyParseContext): BasicAuthenticationConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const operation = parseOperation(el, report);
  const userRef = parseRef(el, 'User', 'UserNameRequired', report);
  const passwordRef = parseRef(el, 'Password', 'PasswordRequired', report);
  const assignToElements = childElements(el, 'AssignTo');
  const assignToElement = assignToElements[0];
  const assignToVariable = assignToElement?.text.trim();
  if (assignToElements.length > 1) report('<AssignTo> appears more than once');
  if (operation === 'Encode' && !assignToVariable) report('<AssignTo> naming the variable to set is required for Encode (AssignToRequired)');
  const sourceElements = childElements(el, 'Source');
  if (sourceElements.length > 1) report('<Source> appears more than once');
  const source = sourceElements[0]?.text.trim();
  if (operation === 'Decode' && !source) report('<Source> naming the variable to decode is required for Decode (SourceRequired)');
  return {
    operation,
    userRef,
    passwordRef,
    assignTo: assignToVariable
      ? { variable: assignToVariable, createNew: parseBooleanText(attr(assignToElement!, 'createNew'), false, '<AssignTo createNew>', report) }
      : undefined,
    source: source || undefined,
    ignoreUnresolvedVariables: parseBooleanChild(el, 'IgnoreUnresolvedVariables', true, report),
  };
}

function parseOperation(el: XmlElement, report: PolicyReport): BasicAuthenticationOperation {
  const elements = childElements(el, 'Operation');
  if (elements.length > 1) report('<Operation> appears more than once');
  const text = elements[0]?.text.trim() ?? '';
  if (/^encode$/i.test(text)) return 'Encode';
  if (/^decode$/i.test(text)) return 'Decode';
  report(text === '' ? '<Operation> is required: Encode or Decode' : `<Operation> must be Encode or Decode, got "${text}"`);
  return 'Encode';
}

function parseRef(el: XmlElement, name: string, errorName: string, report: PolicyReport): string {
  const elements = childElements(el, name);
  if (elements.length > 1) report(`<${name}> appears more than once`);
  const ref = elements[0] && attr(elements[0], 'ref')?.trim();
  if (!ref) report(`<${name} ref="…"> naming a variable is required (${errorName})`);
  return ref ?? '';
}
