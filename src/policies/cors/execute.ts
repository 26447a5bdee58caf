// CORS at deploy and per request: origin/method/header checks, the generated preflight response, and the CORS headers on every response.
import type { FlowContext } from '../../engine/flow-context.js';
import { Message } from '../../engine/message.js';
import { compileTemplate, UnresolvedVariableError, type CompiledTemplate } from '../../engine/template/compile-template.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { CORS_DEFAULTS, parseCors, type CorsConfig } from './parse.js';

/** The flow variables the policy sets (CORS policy reference, "Flow variables"); read back when the response goes out. */
const VAR = {
  allowCredentials: 'cross_origin_resource_sharing.allow.credentials',
  allowHeaders: 'cross_origin_resource_sharing.allow.headers',
  allowMethods: 'cross_origin_resource_sharing.allow.methods',
  allowOrigin: 'cross_origin_resource_sharing.allow.origin',
  allowOriginsList: 'cross_origin_resource_sharing.allow.origins.list',
  exposeHeaders: 'cross_origin_resource_sharing.expose.headers',
  maxAge: 'cross_origin_resource_sharing.max.age',
  preflightAccepted: 'cross_origin_resource_sharing.preflight.accepted',
  requestHeaders: 'cross_origin_resource_sharing.request.headers',
  requestMethod: 'cross_origin_resource_sharing.request.method',
  requestOrigin: 'cross_origin_resource_sharing.request.origin',
  requestType: 'cross_origin_resource_sharing.request.type',
} as const;

export function compileCors(config: CorsConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const strict = !(config.ignoreUnresolvedVariables ?? CORS_DEFAULTS.ignoreUnresolvedVariables);
  const templates = {
    allowOrigins: compileTemplate(config.allowOrigins),
    allowMethods: compileTemplate(config.allowMethods ?? CORS_DEFAULTS.allowMethods),
    allowHeaders: compileTemplate(config.allowHeaders ?? CORS_DEFAULTS.allowHeaders),
    exposeHeaders: config.exposeHeaders === undefined ? undefined : compileTemplate(config.exposeHeaders),
  };
  const maxAge = config.maxAge ?? CORS_DEFAULTS.maxAge;
  const allowCredentials = config.allowCredentials;
  const generatePreflightResponse = config.generatePreflightResponse ?? CORS_DEFAULTS.generatePreflightResponse;
  const render = (template: CompiledTemplate, flow: FlowContext): string => {
    try {
      return template.render(flow, { strict });
    } catch (err) {
      if (err instanceof UnresolvedVariableError) {
        // Apigee's faultstring: `CORS[AddCORS]: unable to resolve variable wrong.var`.
        throw toStepFault('CORS', 'UnresolvedVariable', `CORS[${policyName}]: unable to resolve variable ${err.variable}`, policyName, { cause: err });
      }
      throw err;
    }
  };
  const readsContent = Object.values(templates).some((t) => t?.variables.some(isContentVariable) ?? false);

  return {
    readsContent,
    execute(flow) {
      const request = flow.request;
      const origin = request.headers.get('origin');
      const requestMethod = request.headers.get('access-control-request-method');
      const requestHeaders = request.headers.getAll('access-control-request-headers').join(',');
      const isPreflight = request.verb === 'OPTIONS' && origin !== undefined && requestMethod !== undefined;

      const originsList = render(templates.allowOrigins, flow);
      const methods = render(templates.allowMethods, flow);
      const headers = render(templates.allowHeaders, flow);
      const exposeHeaders = templates.exposeHeaders && render(templates.exposeHeaders, flow);
      const allowedOrigin = origin === undefined ? '' : toAllowedOrigin(origin, originsList, allowCredentials === true);

      flow.setVariable(VAR.requestType, isPreflight ? 'PRE_FLIGHT' : 'ACTUAL');
      flow.setVariable(VAR.requestOrigin, origin ?? '');
      flow.setVariable(VAR.requestMethod, requestMethod ?? '');
      flow.setVariable(VAR.requestHeaders, requestHeaders);
      flow.setVariable(VAR.allowOriginsList, originsList);
      flow.setVariable(VAR.allowOrigin, allowedOrigin);
      flow.setVariable(VAR.allowMethods, methods);
      flow.setVariable(VAR.allowHeaders, headers);
      flow.setVariable(VAR.exposeHeaders, exposeHeaders);
      flow.setVariable(VAR.maxAge, maxAge);
      flow.setVariable(VAR.allowCredentials, allowCredentials);
      flow.onBeforeClientResponse(applyResponseHeaders);
      if (!isPreflight) return;

      const accepted = allowedOrigin !== '' && isListed(requestMethod, methods) && areHeadersAllowed(requestHeaders, headers);
      flow.setVariable(VAR.preflightAccepted, accepted);
      if (!generatePreflightResponse) return;
      const inRequestFlow = flow.flow === 'PROXY_REQ_FLOW' || flow.flow === 'TARGET_REQ_FLOW';
      const response = inRequestFlow ? new Message('response') : flow.response;
      if (accepted) {
        const credentialed = allowCredentials === true;
        // With credentials, `*` is not a wildcard for browsers (Fetch §3.2.3): echo what was asked for instead.
        response.headers.set('Access-Control-Allow-Methods', credentialed && isWildcard(methods) ? requestMethod : methods);
        const allowHeadersValue = credentialed && isWildcard(headers) ? requestHeaders : headers;
        if (allowHeadersValue !== '') response.headers.set('Access-Control-Allow-Headers', allowHeadersValue);
        response.headers.set('Access-Control-Max-Age', String(maxAge));
      }
      if (inRequestFlow) {
        response.statusCode = 200;
        response.reasonPhrase = 'OK';
        flow.setMessage('response', response);
        flow.responseReady = true;
      }
    },
  };
}

/**
 * Runs just before the response goes out (error responses too): Apigee's "CORSResponseOrErrorFlowExecution" step.
 * It reads the flow variables, which are writable, so a policy after CORS can change what is sent.
 */
function applyResponseHeaders(flow: FlowContext): void {
  const allowOrigin = toText(flow.getVariable(VAR.allowOrigin));
  if (allowOrigin === '') return;
  const headers = flow.response.headers;
  headers.set('Access-Control-Allow-Origin', allowOrigin);
  if (allowOrigin !== '*') addVaryOrigin(flow.response);
  const credentials = flow.getVariable(VAR.allowCredentials);
  if (credentials !== undefined && credentials !== null) headers.set('Access-Control-Allow-Credentials', String(credentials === true || credentials === 'true'));
  const expose = toText(flow.getVariable(VAR.exposeHeaders));
  if (expose !== '') headers.set('Access-Control-Expose-Headers', expose);
}

/** The Access-Control-Allow-Origin value for a request origin, or '' when the origin is not allowed. */
function toAllowedOrigin(origin: string, originsList: string, credentialed: boolean): string {
  const allowed = splitList(originsList);
  if (allowed.includes('*')) return credentialed ? origin : '*';
  // Scheme and host of an origin are case-insensitive (RFC 6454 §4).
  const wanted = origin.toLowerCase();
  return allowed.some((o) => o.toLowerCase() === wanted) ? origin : '';
}

function isListed(value: string, list: string): boolean {
  const items = splitList(list);
  if (items.includes('*')) return true;
  const wanted = value.trim().toLowerCase();
  return items.some((item) => item.toLowerCase() === wanted);
}

function areHeadersAllowed(requested: string, list: string): boolean {
  const names = splitList(requested);
  if (names.length === 0) return true;
  const items = splitList(list);
  if (items.includes('*')) return true;
  const allowed = new Set(items.map((item) => item.toLowerCase()));
  return names.every((name) => allowed.has(name.toLowerCase()));
}

function isWildcard(list: string): boolean {
  return splitList(list).includes('*');
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function addVaryOrigin(response: Message): void {
  const vary = response.headers.getAll('vary').join(',');
  if (splitList(vary).some((v) => v === '*' || v.toLowerCase() === 'origin')) return;
  response.headers.set('Vary', vary === '' ? 'Origin' : `${vary}, Origin`);
}

function toText(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

export const corsPolicy: PolicyType<CorsConfig> = {
  type: 'CORS',
  parse: parseCors,
  compile: compileCors,
};
