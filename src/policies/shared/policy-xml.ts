// Reading policy XML at import: problems prefixed with the policy's type and name, booleans and names checked.
import { attr, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';

/** Records one problem of the policy being parsed; the message is prefixed with `<Type> <name>: `. */
export type PolicyReport = (message: string) => void;

export function toPolicyReport(el: XmlElement, ctx: PolicyParseContext): PolicyReport {
  const label = `${el.name} ${attr(el, 'name') ?? '(unnamed)'}`;
  return (message) => ctx.report(`${label}: ${message}`);
}

/** `true`/`false` in any case; anything else is reported and yields the fallback. */
export function parseBooleanText(text: string | undefined, fallback: boolean, where: string, report: PolicyReport): boolean {
  if (text === undefined) return fallback;
  const value = text.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === '') return fallback;
  report(`${where} must be true or false, got "${text.trim()}"`);
  return fallback;
}

/** The boolean text of the only child named `name`; a repeated child is reported. */
export function parseBooleanChild(el: XmlElement, name: string, fallback: boolean, report: PolicyReport): boolean {
  const children = childElements(el, name);
  if (children.length > 1) report(`<${name}> appears ${children.length} times; expected at most once`);
  return parseBooleanText(children[0]?.text, fallback, `<${name}>`, report);
}

/** Reports every child whose name is not in `allowed` (a misspelt element would otherwise be silently ignored). */
export function reportUnknownChildren(el: XmlElement, allowed: ReadonlySet<string>, report: PolicyReport): void {
  for (const child of el.children) {
    if (!allowed.has(child.name)) report(`<${child.name}> is not supported inside <${el.name}>`);
  }
}

/** Elements every policy may carry besides its own (compat §6.5); FaultRules at policy level are ignored. */
export const COMMON_POLICY_CHILDREN: readonly string[] = ['DisplayName', 'Description', 'Properties', 'FaultRules', 'IgnoreUnresolvedVariables'];

/** RFC 9110 §5.6.2 token: what header names and methods may contain. */
export function isHttpToken(text: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(text);
}

/** An HTTP status code 100-599 written as three digits, or undefined. */
export function parseStatusCode(text: string): number | undefined {
  if (!/^\d{3}$/.test(text)) return undefined;
  const status = Number(text);
  return status >= 100 && status <= 599 ? status : undefined;
}
