// CORS at import: XML → CorsConfig (plain data, also built from JSON for proxy-group CORS settings).
import { childElements, type XmlElement } from '../../bundle/xml-element.js';
import type { PolicyParseContext } from '../policy-type.js';
import { checkTemplate } from '../shared/compile-policy-template.js';
import { COMMON_POLICY_CHILDREN, isHttpToken, parseBooleanChild, reportUnknownChildren, toPolicyReport, type PolicyReport } from '../shared/policy-xml.js';

/** Apigee's element defaults (CORS policy reference). */
export const CORS_DEFAULTS = {
  allowMethods: 'GET, POST, HEAD, OPTIONS',
  allowHeaders: 'Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, Access-Control-Request-Headers',
  maxAge: 1800,
  generatePreflightResponse: true,
  ignoreUnresolvedVariables: true,
} as const;

/** Plain data, constructible from JSON. Text fields are message templates (`{request.header.origin}`). */
export interface CorsConfig {
  /** Comma-separated origins, `*`, or a template resolving to either. Required. */
  readonly allowOrigins: string;
  /** Comma-separated methods or `*`; default `GET, POST, HEAD, OPTIONS`. */
  readonly allowMethods?: string;
  /** Comma-separated header names or `*`; default as in {@link CORS_DEFAULTS}. */
  readonly allowHeaders?: string;
  /** Comma-separated header names or `*`; when absent Access-Control-Expose-Headers is not sent. */
  readonly exposeHeaders?: string;
  /** Seconds; -1 disables preflight caching. Default 1800. */
  readonly maxAge?: number;
  /** When absent Access-Control-Allow-Credentials is not sent. */
  readonly allowCredentials?: boolean;
  /** Default true: a preflight is answered by the policy, skipping the rest of the request side. */
  readonly generatePreflightResponse?: boolean;
  /** Default true: unresolved variables render as empty text instead of raising steps.cors.UnresolvedVariable. */
  readonly ignoreUnresolvedVariables?: boolean;
}

const ALLOWED_CHILDREN = new Set([...COMMON_POLICY_CHILDREN, 'AllowOrigins', 'AllowMethods', 'AllowHeaders', 'ExposeHeaders', 'MaxAge', 'AllowCredentials', 'GeneratePreflightResponse']);

export function parseCors(el: XmlElement, ctx: PolicyParseContext): CorsConfig {
  const report = toPolicyReport(el, ctx);
  reportUnknownChildren(el, ALLOWED_CHILDREN, report);
  const allowOrigins = parseTemplateChild(el, 'AllowOrigins', report);
  // Apigee's deployment error MissingAllowOrigins.
  if (allowOrigins === undefined) report('<AllowOrigins> is required (MissingAllowOrigins)');
  const allowMethods = parseTemplateChild(el, 'AllowMethods', report);
  if (allowMethods !== undefined) checkMethods(allowMethods, report);
  const allowCredentialsElements = childElements(el, 'AllowCredentials');
  return {
    allowOrigins: allowOrigins ?? '',
    allowMethods,
    allowHeaders: parseTemplateChild(el, 'AllowHeaders', report),
    exposeHeaders: parseTemplateChild(el, 'ExposeHeaders', report),
    maxAge: parseMaxAge(el, report),
    allowCredentials: allowCredentialsElements.length === 0 ? undefined : parseBooleanChild(el, 'AllowCredentials', false, report),
    generatePreflightResponse: parseBooleanChild(el, 'GeneratePreflightResponse', CORS_DEFAULTS.generatePreflightResponse, report),
    ignoreUnresolvedVariables: parseBooleanChild(el, 'IgnoreUnresolvedVariables', CORS_DEFAULTS.ignoreUnresolvedVariables, report),
  };
}

/** Problems of a CorsConfig built from JSON (proxy-group settings); the same rules as the XML. Empty when valid. */
export function checkCorsConfig(config: CorsConfig): string[] {
  const problems: string[] = [];
  const report: PolicyReport = (message) => problems.push(message);
  if (typeof config.allowOrigins !== 'string' || config.allowOrigins.trim() === '') report('allowOrigins is required');
  else checkTemplate(config.allowOrigins, 'allowOrigins', report);
  for (const key of ['allowMethods', 'allowHeaders', 'exposeHeaders'] as const) {
    const value = config[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') report(`${key} must be a string`);
    else checkTemplate(value, key, report);
  }
  if (typeof config.allowMethods === 'string') checkMethods(config.allowMethods, report);
  if (config.maxAge !== undefined && !isMaxAge(config.maxAge)) report('maxAge must be an integer of -1 or more');
  for (const key of ['allowCredentials', 'generatePreflightResponse', 'ignoreUnresolvedVariables'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'boolean') report(`${key} must be true or false`);
  }
  return problems;
}

function parseTemplateChild(el: XmlElement, name: string, report: PolicyReport): string | undefined {
  const children = childElements(el, name);
  if (children.length > 1) report(`<${name}> appears ${children.length} times; expected at most once`);
  const text = children[0]?.text.trim();
  if (text === undefined || text === '') return undefined;
  checkTemplate(text, `<${name}>`, report);
  return text;
}

/** Apigee's deployment error InvalidHTTPMethods, for a static list (a template is checked when it renders). */
function checkMethods(text: string, report: PolicyReport): void {
  if (text.includes('{')) return;
  for (const method of text.split(',').map((m) => m.trim()).filter((m) => m !== '')) {
    if (method !== '*' && !isHttpToken(method)) report(`<AllowMethods>: "${method}" is not an HTTP method (InvalidHTTPMethods)`);
  }
}

function parseMaxAge(el: XmlElement, report: PolicyReport): number | undefined {
  const children = childElements(el, 'MaxAge');
  if (children.length > 1) report(`<MaxAge> appears ${children.length} times; expected at most once`);
  const text = children[0]?.text.trim();
  if (text === undefined || text === '') return undefined;
  const value = /^-?\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!isMaxAge(value)) {
    report(`<MaxAge> must be an integer of -1 or more, got "${text}" (InvalidMaxAge)`);
    return undefined;
  }
  return value;
}

function isMaxAge(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= -1;
}
