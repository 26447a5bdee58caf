// AssignMessage at import: XML → AssignMessageConfig (compat §8), every problem reported with the policy's name.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { MessageKind } from '../../engine/message.js';
import type { PolicyParseContext } from '../policy-type.js';
import { MESSAGE_ACTION_ELEMENTS, type MessageAction } from '../shared/message-action.js';
import { parseMessageActions } from '../shared/parse-message-actions.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export interface AssignToConfig {
  /** The message variable assigned to; undefined means the flow's current message (`message`). */
  readonly variable?: string;
  /** Create a fresh message instead of modifying an existing one. */
  readonly createNew: boolean;
  /** Kind of a message the policy creates; unset means a request, or the flow's message kind without a variable. */
  readonly type?: MessageKind;
}

export interface AssignMessageConfig {
  readonly assignTo: AssignToConfig;
  /** Apigee's default is false: an unresolved template variable raises `steps.assignmessage.UnresolvedVariable`. */
  readonly ignoreUnresolvedVariables: boolean;
  /** Copy, Remove, Add, Set and AssignVariable, in document order (compat §8). */
  readonly actions: readonly MessageAction[];
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, ...MESSAGE_ACTION_ELEMENTS, 'AssignTo']);

export function parseAssignMessage(el: XmlElement, ctx: PolicyParseContext): AssignMessageConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  return {
    assignTo: parseAssignTo(el, report),
    ignoreUnresolvedVariables: parseBooleanChild(el, 'IgnoreUnresolvedVariables', false, report),
    actions: parseMessageActions(el, report),
  };
}

function parseAssignTo(el: XmlElement, report: PolicyReport): AssignToConfig {
  const elements = childElements(el, 'AssignTo');
  if (elements.length > 1) report(`<AssignTo> appears ${elements.length} times; expected at most once`);
  const assignTo = elements[0];
  if (!assignTo) return { createNew: false };
  const type = attr(assignTo, 'type')?.trim();
  if (type !== undefined && type !== 'request' && type !== 'response') report(`<AssignTo type> must be request or response, got "${type}"`);
  const variable = assignTo.text.trim();
  return {
    variable: variable === '' ? undefined : variable,
    createNew: parseBooleanText(attr(assignTo, 'createNew'), false, '<AssignTo createNew>', report),
    type: type === 'response' || type === 'request' ? type : undefined,
  };
}
