// ServiceCallout at import: XML → ServiceCalloutConfig (Request actions, Response, Timeout, HTTPTargetConnection), every problem named by element.
import { parseProperties } from '../../bundle/parse-flows.js';
import { checkHttpUrl, parseLoadBalancer, parseSslInfo } from '../../bundle/parse-target-endpoint.js';
import type { LoadBalancerConfig, SslInfoConfig } from '../../bundle/proxy-bundle.js';
import { attr, childElement, childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { checkTemplate } from '../shared/compile-policy-template.js';
import type { MessageAction } from '../shared/message-action.js';
import { parseMessageActions } from '../shared/parse-message-actions.js';
import { COMMON_POLICY_CHILDREN, parseBooleanChild, parseBooleanText, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

export interface ServiceCalloutConnection {
  /** Template text (`http://{host}/x`); the scheme is literal. Exactly one of url and loadBalancer is set. */
  readonly url?: string;
  readonly loadBalancer?: LoadBalancerConfig;
  /** Path prefix used with `loadBalancer`. */
  readonly path?: string;
  /** `success.codes` is honoured; other transport properties are accepted and ignored. */
  readonly properties: ReadonlyMap<string, string>;
  readonly ssl?: SslInfoConfig;
}

export interface ServiceCalloutRequestConfig {
  /** The request message variable; unset: a new request message used only by this callout. */
  readonly variable?: string;
  /** Clears the request message's body once it was sent (frees memory). */
  readonly clearPayload: boolean;
  readonly ignoreUnresolvedVariables: boolean;
  /** Copy, Remove, Add and Set applied to the request message, in document order (as in AssignMessage). */
  readonly actions: readonly MessageAction[];
}

export interface ServiceCalloutConfig {
  readonly request: ServiceCalloutRequestConfig;
  /** Variable receiving the response message; unset: fire and forget (the response is not awaited). */
  readonly response?: string;
  readonly timeoutMs: number;
  /** Undefined only when the policy has problems (no HTTPTargetConnection). */
  readonly connection?: ServiceCalloutConnection;
  /** `success.codes` (exact codes and `Nxx` classes), replacing the default 1xx-3xx as for a TargetEndpoint. */
  readonly successCodes?: { readonly codes: readonly number[]; readonly classes: readonly number[] };
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'Request', 'Response', 'Timeout', 'HTTPTargetConnection', 'LocalTargetConnection']);
const REQUEST_CHILDREN = new Set(['IgnoreUnresolvedVariables', 'Copy', 'Remove', 'Add', 'Set']);
const CONNECTION_CHILDREN = new Set(['URL', 'LoadBalancer', 'Path', 'Properties', 'SSLInfo']);
// Apigee's default for the whole exchange (the target io timeout).
export const DEFAULT_CALLOUT_TIMEOUT_MS = 55_000;
// setTimeout's ceiling (2^31-1 ms).
const MAX_TIMEOUT_MS = 2_147_483_647;

export function parseServiceCallout(el: XmlElement, ctx: PolicyParseContext): ServiceCalloutConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  // Apigee's deploy errors: ConnectionInfoMissing, URLMissing, InvalidTimeoutValue.
  if (childElement(el, 'LocalTargetConnection')) report('<LocalTargetConnection> is not supported; call the other proxy through <HTTPTargetConnection><URL>');
  const connectionElement = childElement(el, 'HTTPTargetConnection');
  if (!connectionElement && !childElement(el, 'LocalTargetConnection')) report('ConnectionInfoMissing: needs an <HTTPTargetConnection>');
  const connection = connectionElement && parseConnection(connectionElement, report);
  const response = childElement(el, 'Response')?.text.trim();
  if (response === 'request' || response === 'message') report(`<Response> cannot be "${response}": it receives a response message`);
  return {
    request: parseRequest(childElement(el, 'Request'), report),
    ...(response ? { response } : {}),
    timeoutMs: parseTimeout(childElement(el, 'Timeout'), report),
    ...(connection ? { connection } : {}),
    ...(connection ? parseSuccessCodes(connection.properties.get('success.codes'), report) : {}),
  };
}

function parseRequest(el: XmlElement | undefined, report: PolicyReport): ServiceCalloutRequestConfig {
  if (!el) return { clearPayload: false, ignoreUnresolvedVariables: false, actions: [] };
  reportUnknownChildren(el, REQUEST_CHILDREN, report);
  const variable = attr(el, 'variable')?.trim();
  if (variable === 'response') report('<Request variable="response">: the request variable must hold a request message');
  return {
    ...(variable ? { variable } : {}),
    clearPayload: parseBooleanText(attr(el, 'clearPayload'), false, '<Request clearPayload>', report),
    ignoreUnresolvedVariables: parseBooleanChild(el, 'IgnoreUnresolvedVariables', false, report),
    actions: parseMessageActions(el, report).filter((a) => a.kind !== 'AssignVariable'),
  };
}

function parseTimeout(el: XmlElement | undefined, report: PolicyReport): number {
  if (!el) return DEFAULT_CALLOUT_TIMEOUT_MS;
  const text = el.text.trim();
  const value = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= MAX_TIMEOUT_MS)) {
    report(`InvalidTimeoutValue: <Timeout> must be a positive integer of milliseconds, got "${text}"`);
    return DEFAULT_CALLOUT_TIMEOUT_MS;
  }
  return value;
}

function parseConnection(el: XmlElement, report: PolicyReport): ServiceCalloutConnection {
  reportUnknownChildren(el, CONNECTION_CHILDREN, report);
  const urls = childElements(el, 'URL');
  if (urls.length > 1) report(`<URL> appears ${urls.length} times; expected at most once`);
  const url = urls[0]?.text.trim();
  const balancer = childElement(el, 'LoadBalancer');
  if ((url === undefined || url === '') && !balancer) report('URLMissing: <HTTPTargetConnection> needs a <URL> or a <LoadBalancer>');
  if (url && balancer) report('<HTTPTargetConnection> has both a <URL> and a <LoadBalancer>');
  if (url) checkUrl(url, report);
  const path = childElement(el, 'Path')?.text.trim();
  const ssl = childElement(el, 'SSLInfo');
  const sslInfo = ssl && parseSslInfo(ssl);
  if (sslInfo?.clientAuthEnabled) report('<SSLInfo><ClientAuthEnabled> (mutual TLS) is not supported');
  return {
    ...(url ? { url } : {}),
    ...(balancer ? { loadBalancer: parseLoadBalancer(balancer, '<HTTPTargetConnection>', report) } : {}),
    ...(path ? { path } : {}),
    properties: parseProperties(el, '<HTTPTargetConnection>', report),
    ...(sslInfo ? { ssl: sslInfo } : {}),
  };
}

/** The scheme must be literal (Apigee: the protocol cannot come from a variable); the rest may be a template. */
function checkUrl(url: string, report: PolicyReport): void {
  if (!/^https?:\/\//i.test(url)) {
    report(`<URL> must start with http:// or https://, got "${url}"`);
    return;
  }
  const isStatic = checkTemplate(url, '<URL>', report);
  if (isStatic !== true) return;
  const problem = checkHttpUrl(url);
  if (problem) report(`<URL>: ${problem}`);
}

function parseSuccessCodes(text: string | undefined, report: PolicyReport): Pick<ServiceCalloutConfig, 'successCodes'> {
  if (text === undefined) return {};
  const codes: number[] = [];
  const classes: number[] = [];
  for (const raw of text.split(',')) {
    const token = raw.trim().toLowerCase();
    if (/^[1-5]xx$/.test(token)) classes.push(Number(token[0]));
    else if (/^[1-5][0-9]{2}$/.test(token)) codes.push(Number(token));
    else if (token !== '') report(`success.codes: "${raw.trim()}" is neither a status code nor a class like 2xx`);
  }
  return { successCodes: { codes, classes } };
}
