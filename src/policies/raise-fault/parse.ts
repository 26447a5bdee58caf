// RaiseFault at import: XML → RaiseFaultConfig (compat §8), every problem reported with the policy's name.
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { MESSAGE_ACTION_ELEMENTS, type MessageAction } from '../shared/message-action.js';
import { parseMessageActions } from '../shared/parse-message-actions.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, reportUnknownChildren, toPolicyReport } from '../shared/policy-xml.js';

export interface RaiseFaultConfig {
  /** Apigee's default is false: an unresolved template variable raises `steps.raisefault.UnresolvedVariable`. */
  readonly ignoreUnresolvedVariables: boolean;
  /** The actions of `<FaultResponse>` in document order; undefined when the element is absent (the default fault body is sent). */
  readonly faultResponse?: readonly MessageAction[];
}

// ShortFaultReason only shapes SOAP faults in Apigee; it is accepted and ignored.
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'FaultResponse', 'ShortFaultReason']);

export function parseRaiseFault(el: XmlElement, ctx: PolicyParseContext): RaiseFaultConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const faultResponses = childElements(el, 'FaultResponse');
  if (faultResponses.length > 1) report(`<FaultResponse> appears ${faultResponses.length} times; expected at most once`);
  const faultResponse = faultResponses[0];
  if (faultResponse) reportUnknownChildren(faultResponse, MESSAGE_ACTION_ELEMENTS, report);
  return {
    ignoreUnresolvedVariables: parseBooleanChild(el, 'IgnoreUnresolvedVariables', false, report),
    faultResponse: faultResponse ? parseMessageActions(faultResponse, report) : undefined,
  };
}
