// Parses AssignMessage-style actions (Copy, Remove, Add, Set, AssignVariable) at import, in document order.
import { attr, childElement, childElements, childText, type XmlElement } from '../../bundle/xml-element.js';
import { checkTemplate } from './compile-policy-template.js';
import type { AddAction, AssignVariableAction, CopyAction, MessageAction, ParamSelection, ParamValue, PayloadConfig, RemoveAction, SetAction } from './message-action.js';
import { MESSAGE_ACTION_ELEMENTS } from './message-action.js';
import { isHttpToken, parseBooleanText, parseStatusCode, reportUnknownChildren, type PolicyReport } from './policy-xml.js';
import { toInnerXmlText } from './to-xml-text.js';

const PARAM_GROUPS = [
  { group: 'Headers', item: 'Header' },
  { group: 'QueryParams', item: 'QueryParam' },
  { group: 'FormParams', item: 'FormParam' },
] as const;

const COPY_CHILDREN = new Set(['Headers', 'QueryParams', 'FormParams', 'Payload', 'Verb', 'Path', 'StatusCode', 'ReasonPhrase', 'Version']);
const REMOVE_CHILDREN = new Set(['Headers', 'QueryParams', 'FormParams', 'Payload']);
const ADD_CHILDREN = new Set(['Headers', 'QueryParams', 'FormParams']);
const SET_CHILDREN = COPY_CHILDREN;
const ASSIGN_VARIABLE_CHILDREN = new Set(['Name', 'Value', 'Ref', 'Template']);

/** The action children of `parent` in document order; other children are left to the caller. */
export function parseMessageActions(parent: XmlElement, report: PolicyReport): MessageAction[] {
  const actions: MessageAction[] = [];
  for (const child of parent.children) {
    if (!MESSAGE_ACTION_ELEMENTS.has(child.name)) continue;
    if (child.name === 'Copy') actions.push(parseCopy(child, report));
    else if (child.name === 'Remove') actions.push(parseRemove(child, report));
    else if (child.name === 'Add') actions.push(parseAdd(child, report));
    else if (child.name === 'Set') actions.push(parseSet(child, report));
    else actions.push(parseAssignVariable(child, report));
  }
  return actions;
}

function parseCopy(el: XmlElement, report: PolicyReport): CopyAction {
  reportUnknownChildren(el, COPY_CHILDREN, report);
  const source = attr(el, 'source')?.trim();
  const [headers, queryParams, formParams] = PARAM_GROUPS.map(({ group, item }) => parseSelection(el, group, item, report));
  return {
    kind: 'Copy',
    source: source === '' ? undefined : source,
    headers,
    queryParams,
    formParams,
    payload: parseFlag(el, 'Payload', report),
    verb: parseFlag(el, 'Verb', report),
    path: parseFlag(el, 'Path', report),
    statusCode: parseFlag(el, 'StatusCode', report),
    reasonPhrase: parseFlag(el, 'ReasonPhrase', report),
    version: parseFlag(el, 'Version', report),
  };
}

function parseRemove(el: XmlElement, report: PolicyReport): RemoveAction {
  reportUnknownChildren(el, REMOVE_CHILDREN, report);
  const [headers, queryParams, formParams] = PARAM_GROUPS.map(({ group, item }) => parseSelection(el, group, item, report));
  return { kind: 'Remove', headers, queryParams, formParams, payload: parseFlag(el, 'Payload', report) };
}

function parseAdd(el: XmlElement, report: PolicyReport): AddAction {
  reportUnknownChildren(el, ADD_CHILDREN, report);
  const [headers, queryParams, formParams] = PARAM_GROUPS.map(({ group, item }) => parseValues(el, group, item, report)) as [ParamValue[], ParamValue[], ParamValue[]];
  return { kind: 'Add', headers, queryParams, formParams };
}

function parseSet(el: XmlElement, report: PolicyReport): SetAction {
  reportUnknownChildren(el, SET_CHILDREN, report);
  const [headers, queryParams, formParams] = PARAM_GROUPS.map(({ group, item }) => parseValues(el, group, item, report)) as [ParamValue[], ParamValue[], ParamValue[]];
  const statusCode = parseSetText(el, 'StatusCode', report);
  if (statusCode !== undefined && checkTemplate(statusCode, '<Set><StatusCode>', report) === true && parseStatusCode(statusCode) === undefined) {
    report(`<StatusCode> must be an integer 100-599, got "${statusCode}"`);
  }
  const verb = parseSetText(el, 'Verb', report);
  if (verb !== undefined && checkTemplate(verb, '<Set><Verb>', report) === true && !isHttpToken(verb)) {
    report(`<Verb> must be an HTTP method name, got "${verb}"`);
  }
  const path = parseSetText(el, 'Path', report);
  const reasonPhrase = parseSetText(el, 'ReasonPhrase', report);
  const version = parseSetText(el, 'Version', report);
  for (const [name, text] of [['Path', path], ['ReasonPhrase', reasonPhrase], ['Version', version]] as const) {
    if (text !== undefined) checkTemplate(text, `<Set><${name}>`, report);
  }
  return { kind: 'Set', headers, queryParams, formParams, payload: parsePayload(el, report), verb, path, statusCode, reasonPhrase, version };
}

function parseAssignVariable(el: XmlElement, report: PolicyReport): AssignVariableAction {
  reportUnknownChildren(el, ASSIGN_VARIABLE_CHILDREN, report);
  const name = childText(el, 'Name');
  if (name === undefined) report('<AssignVariable> needs a <Name>');
  const valueEl = childElement(el, 'Value');
  const templateEl = childElement(el, 'Template');
  let template: string | undefined;
  if (templateEl) {
    // A template read from a variable would have to be compiled per request.
    if (attr(templateEl, 'ref') !== undefined) report('<AssignVariable><Template ref="…"> is not supported; write the template as the element text');
    template = templateEl.text;
    checkTemplate(template, `<AssignVariable><Template> of ${name ?? '(no name)'}`, report);
  }
  return { kind: 'AssignVariable', name: name ?? '', value: valueEl?.text, ref: childText(el, 'Ref'), template };
}

function parsePayload(el: XmlElement, report: PolicyReport): PayloadConfig | undefined {
  const payloads = childElements(el, 'Payload');
  if (payloads.length > 1) report(`<${el.name}> has ${payloads.length} <Payload> elements; expected at most one`);
  const payload = payloads[0];
  if (!payload) return undefined;
  const contentType = attr(payload, 'contentType')?.trim();
  const variablePrefix = attr(payload, 'variablePrefix');
  const variableSuffix = attr(payload, 'variableSuffix');
  if ((variablePrefix === undefined) !== (variableSuffix === undefined) || variablePrefix === '' || variableSuffix === '') {
    report('<Payload> needs both variablePrefix and variableSuffix, each non-empty, or neither');
  }
  const delimiters = variablePrefix && variableSuffix ? { prefix: variablePrefix, suffix: variableSuffix } : undefined;
  const text = toInnerXmlText(payload);
  checkTemplate(text, '<Payload>', report, delimiters);
  return {
    text,
    contentType: contentType === '' ? undefined : contentType,
    variablePrefix: delimiters?.prefix,
    variableSuffix: delimiters?.suffix,
  };
}

function parseSelection(el: XmlElement, group: string, item: string, report: PolicyReport): ParamSelection | undefined {
  const groups = childElements(el, group);
  if (groups.length === 0) return undefined;
  let all = false;
  const names: string[] = [];
  for (const g of groups) {
    if (g.children.length === 0) all = true;
    for (const child of g.children) {
      const name = parseItemName(child, group, item, report);
      if (name !== undefined) names.push(name);
    }
  }
  return { all, names };
}

function parseValues(el: XmlElement, group: string, item: string, report: PolicyReport): ParamValue[] {
  const values: ParamValue[] = [];
  for (const g of childElements(el, group)) {
    for (const child of g.children) {
      const name = parseItemName(child, group, item, report);
      if (name === undefined) continue;
      const value = child.text.trim();
      checkTemplate(value, `<${el.name}><${group}><${item} name="${name}">`, report);
      values.push({ name, value });
    }
  }
  return values;
}

function parseItemName(child: XmlElement, group: string, item: string, report: PolicyReport): string | undefined {
  if (child.name !== item) {
    report(`<${child.name}> is not supported inside <${group}>; expected <${item}>`);
    return undefined;
  }
  const name = attr(child, 'name')?.trim();
  if (!name) {
    report(`<${item}> inside <${group}> needs a name attribute`);
    return undefined;
  }
  if (item === 'Header' && !isHttpToken(name)) {
    report(`<Header name="${name}"> is not a valid header name`);
    return undefined;
  }
  return name;
}

/** `<Payload>true</Payload>` or a bare `<Payload/>` turns the part on; `false` turns it off. */
function parseFlag(el: XmlElement, name: string, report: PolicyReport): boolean {
  const child = childElement(el, name);
  if (!child) return false;
  return parseBooleanText(child.text, true, `<${el.name}><${name}>`, report);
}

function parseSetText(el: XmlElement, name: string, report: PolicyReport): string | undefined {
  const children = childElements(el, name);
  if (children.length > 1) report(`<${el.name}> has ${children.length} <${name}> elements; expected at most one`);
  const child = children[0];
  if (!child) return undefined;
  const text = child.text.trim();
  if (text === '' && name !== 'ReasonPhrase') {
    report(`<${el.name}><${name}> is empty`);
    return undefined;
  }
  return text;
}
