// KeyValueMapOperations at import: XML → KeyValueMapOperationsConfig (compat §8): map, scope, and Get/Put/Delete in document order.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import { isValidMapName } from '../../kvms/kvm-scope.js';
import type { PolicyParseContext } from '../policy-type.js';
import { COMMON_POLICY_CHILDREN, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export const KVM_POLICY_SCOPES = ['organization', 'environment', 'apiproxy', 'policy'] as const;
export type KvmPolicyScope = (typeof KVM_POLICY_SCOPES)[number];

/** `<Parameter ref="var"/>` or `<Parameter>literal</Parameter>` (and the same for `<Value>`). */
export interface KvmParameter {
  readonly ref?: string;
  readonly text?: string;
}

export type KvmOperation =
  | { readonly kind: 'Get'; readonly assignTo: string; readonly index?: number; readonly key: readonly KvmParameter[] }
  | { readonly kind: 'Put'; readonly override: boolean; readonly key: readonly KvmParameter[]; readonly values: readonly KvmParameter[] }
  | { readonly kind: 'Delete'; readonly key: readonly KvmParameter[] };

export interface KvmInitialEntry {
  /** Literal parameters; joined like a runtime key. */
  readonly key: readonly string[];
  readonly values: readonly string[];
}

export interface KeyValueMapOperationsConfig {
  readonly mapIdentifier: string;
  readonly scope: KvmPolicyScope;
  /** How long a value read stays in the local read cache. */
  readonly expiryTimeInSecs: number;
  readonly initialEntries: readonly KvmInitialEntry[];
  readonly operations: readonly KvmOperation[];
}

/** Apigee's name for a map whose policy has no mapIdentifier. */
const DEFAULT_MAP = 'kvmap';
/** Apigee: 0, -1 or no ExpiryTimeInSecs means 300 seconds. */
const DEFAULT_EXPIRY_SECONDS = 300;
// ExclusiveCache is deprecated in Apigee (Scope replaced it): accepted and ignored.
const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Scope', 'ExpiryTimeInSecs', 'InitialEntries', 'Get', 'Put', 'Delete', 'ExclusiveCache']);
const OPERATIONS = new Set(['Get', 'Put', 'Delete']);

export function parseKeyValueMapOperations(el: XmlElement, ctx: PolicyParseContext): KeyValueMapOperationsConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  for (const name of ['Scope', 'ExpiryTimeInSecs', 'InitialEntries']) {
    const count = childElements(el, name).length;
    if (count > 1) report(`<${name}> appears ${count} times; expected at most once`);
  }
  const mapIdentifier = attr(el, 'mapIdentifier')?.trim() || DEFAULT_MAP;
  if (!isValidMapName(mapIdentifier)) report(`mapIdentifier "${mapIdentifier}" must be 1-255 of A-Z a-z 0-9 . _ - $ space %`);
  const operations = el.children.filter((child) => OPERATIONS.has(child.name)).map((child) => parseOperation(child, report));
  const initialEntries = parseInitialEntries(childElements(el, 'InitialEntries')[0], report);
  if (operations.length === 0 && initialEntries.length === 0) report('at least one of <Get>, <Put>, <Delete> or <InitialEntries> is required');
  return {
    mapIdentifier,
    scope: parseScope(childElements(el, 'Scope')[0], report),
    expiryTimeInSecs: parseExpiry(childElements(el, 'ExpiryTimeInSecs')[0], report),
    initialEntries,
    operations,
  };
}

function parseScope(el: XmlElement | undefined, report: PolicyReport): KvmPolicyScope {
  const text = el?.text.trim();
  if (text === undefined || text === '') return 'environment';
  const scope = KVM_POLICY_SCOPES.find((s) => s === text.toLowerCase());
  if (!scope) report(`<Scope> must be one of ${KVM_POLICY_SCOPES.join(', ')}, got "${text}"`);
  return scope ?? 'environment';
}

function parseExpiry(el: XmlElement | undefined, report: PolicyReport): number {
  const text = el?.text.trim();
  if (text === undefined || text === '') return DEFAULT_EXPIRY_SECONDS;
  if (!/^-?\d{1,10}$/.test(text)) {
    report(`<ExpiryTimeInSecs> must be a whole number of seconds, got "${text}"`);
    return DEFAULT_EXPIRY_SECONDS;
  }
  const seconds = Number(text);
  return seconds <= 0 ? DEFAULT_EXPIRY_SECONDS : seconds;
}

function parseParameter(el: XmlElement, where: string, report: PolicyReport): KvmParameter | undefined {
  reportUnknownChildren(el, new Set(), report);
  const ref = attr(el, 'ref')?.trim();
  const text = el.text.trim();
  if (!ref && text === '') {
    report(`<${where}> needs a ref or a value`);
    return undefined;
  }
  return { ...(ref ? { ref } : {}), ...(text !== '' ? { text } : {}) };
}

/** Apigee's KeyIsMissing: a `<Key>` holding at least one `<Parameter>`. */
function parseKey(el: XmlElement, report: PolicyReport): KvmParameter[] {
  const keys = childElements(el, 'Key');
  if (keys.length !== 1) {
    report(`KeyIsMissing: <${el.name}> needs exactly one <Key>, got ${keys.length}`);
    return [];
  }
  const key = keys[0]!;
  reportUnknownChildren(key, new Set(['Parameter']), report);
  const parameters = childElements(key, 'Parameter').flatMap((p) => parseParameter(p, 'Parameter', report) ?? []);
  if (childElements(key, 'Parameter').length === 0) report(`KeyIsMissing: <Key> of <${el.name}> needs at least one <Parameter>`);
  return parameters;
}

function parseOperation(el: XmlElement, report: PolicyReport): KvmOperation {
  if (el.name === 'Get') {
    reportUnknownChildren(el, new Set(['Key']), report);
    const assignTo = attr(el, 'assignTo')?.trim() ?? '';
    if (assignTo === '') report('<Get> needs an assignTo attribute naming the variable the value is assigned to');
    const indexText = attr(el, 'index')?.trim();
    let index: number | undefined;
    if (indexText !== undefined && indexText !== '') {
      // Apigee's InvalidIndex: the index is 1-based.
      if (/^\d{1,9}$/.test(indexText) && Number(indexText) >= 1) index = Number(indexText);
      else report(`InvalidIndex: <Get index> must be an integer ≥ 1, got "${indexText}"`);
    }
    return { kind: 'Get', assignTo, ...(index !== undefined ? { index } : {}), key: parseKey(el, report) };
  }
  if (el.name === 'Put') {
    reportUnknownChildren(el, new Set(['Key', 'Value']), report);
    const values = childElements(el, 'Value').flatMap((v) => parseParameter(v, 'Value', report) ?? []);
    if (childElements(el, 'Value').length === 0) report('ValueIsMissing: <Put> needs at least one <Value>');
    return { kind: 'Put', override: parseBooleanText(attr(el, 'override'), false, '<Put override>', report), key: parseKey(el, report), values };
  }
  reportUnknownChildren(el, new Set(['Key']), report);
  return { kind: 'Delete', key: parseKey(el, report) };
}

/** Seed entries: literals only, as Apigee creates them at deploy before any request exists. */
function parseInitialEntries(el: XmlElement | undefined, report: PolicyReport): KvmInitialEntry[] {
  if (!el) return [];
  reportUnknownChildren(el, new Set(['Entry']), report);
  return childElements(el, 'Entry').map((entry) => {
    reportUnknownChildren(entry, new Set(['Key', 'Value']), report);
    const literal = (parameter: KvmParameter, where: string): string[] => {
      if (parameter.ref !== undefined) report(`<InitialEntries>: <${where} ref="${parameter.ref}"> is not supported; initial entries take literal values`);
      return parameter.text !== undefined ? [parameter.text] : [];
    };
    const key = parseKey(entry, report).flatMap((p) => literal(p, 'Parameter'));
    const values = childElements(entry, 'Value').flatMap((v) => parseParameter(v, 'Value', report) ?? []).flatMap((p) => literal(p, 'Value'));
    if (childElements(entry, 'Value').length === 0) report('ValueIsMissing: <Entry> of <InitialEntries> needs at least one <Value>');
    return { key, values };
  });
}
