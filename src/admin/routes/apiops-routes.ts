// Apinizer's API Ops endpoint for deploying an API proxy group, in Apinizer's shapes, so its scripts run unchanged.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AdminError, adminErrors } from '../../errors.js';
import { toAuditText } from '../../promotions/audit-promotion-change.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { isFormContentType } from '../register-body-parsers.js';
import { toAdminErrorReply } from '../to-admin-error-reply.js';
import { toJsonFields, type JsonFields } from './read-json-body.js';

interface ApiOpsParams { project: string; group: string; env: string }

/** Registered without the trailing `/` Apinizer documents: the admin server drops one before routing. */
const deployGroupPath = '/apiops/projects/:project/apiProxyGroups/:group/environments/:env';
const defaultDescription = 'Deployed by APIOPS Api';
const maxDescriptionLength = 1024;

interface EnvironmentResultJson { environmentName: string; success: boolean; message: string }

/** Apinizer's deploy answer (success and failure alike). */
export interface ApiOpsDeployJson {
  readonly success: boolean;
  readonly deploymentResult: { readonly success: boolean; readonly message: string; readonly environmentResults: readonly EnvironmentResultJson[] };
}

/** Apinizer's error answer (OAuth 2.0 style, RFC 6749 §5.2). */
interface ApiOpsErrorJson { error: string; error_description: string }

/** A refusal in Apinizer's words, with its status. */
class ApiOpsError extends Error {
  readonly status: number;
  readonly error: string;
  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

/** Apinizer's wording: a thing that does not exist and one the user may not touch are indistinguishable. */
const notAccessible = (what: string, name: string): ApiOpsError =>
  new ApiOpsError(400, 'bad_request', `${what} (${name.slice(0, 255)}) is not found or user does not have privilege to access it!`);

const errorNames: Readonly<Record<number, string>> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'access_denied', 404: 'not_found', 405: 'method_not_allowed', 408: 'request_timeout',
  409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'too_many_requests', 500: 'server_error', 507: 'insufficient_storage',
};

/** Any error of this scope (the authentication hook's included) as Apinizer's error body. */
function toApiOpsError(err: unknown, deps: AdminDeps, request: FastifyRequest): { status: number; body: ApiOpsErrorJson; retryAfterSeconds?: number } {
  if (err instanceof ApiOpsError) return { status: err.status, body: { error: err.error, error_description: err.message } };
  if (err instanceof AdminError && err.code === adminErrors.Unauthorized.code) {
    // RFC 6750 §3.1: no credentials at all get no error code; wrong ones are invalid_token.
    const sent = request.headers.authorization !== undefined && request.headers.authorization.trim() !== '';
    return sent
      ? { status: 401, body: { error: 'invalid_token', error_description: 'Invalid access token' } }
      : { status: 401, body: { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' } };
  }
  const { status, body } = toAdminErrorReply(err, { bodyLimitBytes: deps.config.limits.maxBundleBytes, contentType: request.headers['content-type'] });
  const retryAfter = (body as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return { status, body: { error: errorNames[status] ?? (status >= 500 ? 'server_error' : 'bad_request'), error_description: body.message }, ...(typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}) };
}

/**
 * The optional JSON body. Apinizer's examples send it with `Content-Type: application/json`; curl without that
 * header sends it as a form, so a form or untyped body holding JSON is read as JSON too.
 */
function readBody(request: FastifyRequest): JsonFields {
  const body: unknown = request.body;
  if (body === undefined || body === null) return Object.create(null) as JsonFields;
  let value: unknown = body;
  const raw = isFormContentType(request.headers['content-type']) ? request.formBodyBytes : Buffer.isBuffer(body) ? body : undefined;
  if (raw !== undefined) {
    const text = raw.toString('utf8').trim();
    if (text === '') return Object.create(null) as JsonFields;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiOpsError(400, 'bad_request', 'The request body is not valid JSON');
    }
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new ApiOpsError(400, 'bad_request', 'The request body must be a JSON object');
  return toJsonFields(value, 'body');
}

function readOptions(fields: JsonFields): { description: string; persistent: boolean } {
  const { description = defaultDescription, persistent = false } = fields;
  if (typeof description !== 'string' || description.length > maxDescriptionLength) {
    throw new ApiOpsError(400, 'bad_request', `description must be a text of at most ${maxDescriptionLength} characters`);
  }
  if (typeof persistent !== 'boolean') throw new ApiOpsError(400, 'bad_request', 'persistent must be true or false');
  return { description: description === '' ? defaultDescription : description, persistent };
}

/** The member and reason of a group deploy that failed, for the environment result. */
function toFailureMessage(err: unknown, deps: AdminDeps, request: FastifyRequest): string {
  if (err instanceof AdminError && typeof err.details?.member === 'string') {
    return `API Proxy (${err.details.member}) revision ${String(err.details.revision)}: ${String(err.details.reason)}; nothing was changed`;
  }
  const { body } = toAdminErrorReply(err, { bodyLimitBytes: deps.config.limits.maxBundleBytes, contentType: request.headers['content-type'] });
  return `${body.message}; nothing was changed`;
}

function routes(app: FastifyInstance, deps: AdminDeps): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body, retryAfterSeconds } = toApiOpsError(err, deps, request);
    if (status >= 500) deps.logger.error({ err, method: request.method, route: request.routeOptions.url }, 'API Ops request failed');
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="Baton"');
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  app.post<{ Params: ApiOpsParams }>(deployGroupPath, async (request, reply) => {
    const { project, group, env } = request.params;
    const principal = request.principal;
    // Apinizer's API Ops takes personal access tokens only.
    if (principal.method !== 'bearer') throw new ApiOpsError(401, 'unauthorized', 'A personal API access token is required (Authorization: Bearer <token>)');
    const organization = deps.config.organizations.find((o) => o.name === project);
    if (!organization) throw notAccessible('Project', project);
    const target = toAuditText(`environments/${env}/proxygroups/${group}/deployments`);
    const audit = (result: 'success' | 'failure', details: Record<string, string | number | boolean>) =>
      deps.audit.record({ organization: project, user: principal.user, operation: 'deploy-proxygroup', target, result, details: { via: 'apiops', ...details } });
    let options: { description: string; persistent: boolean };
    try {
      if (!deps.groups.get(project, group) || !principal.has('API_MANAGEMENT', project)) throw notAccessible('API Proxy Group', group);
      if (!organization.environments.some((e) => e.name === env) || !principal.has('DEPLOY_UNDEPLOY', project, env)) throw notAccessible('Environment', env);
      options = readOptions(readBody(request));
    } catch (err) {
      const { status } = toApiOpsError(err, deps, request);
      await audit('failure', { status }).catch(() => undefined);
      throw err;
    }
    let answer: ApiOpsDeployJson;
    let status = 200;
    try {
      await deps.groups.deploy({ organization: project, environment: env, name: group, user: principal.user, ...options });
      answer = {
        success: true,
        deploymentResult: { success: true, message: 'Deployment completed successfully', environmentResults: [{ environmentName: env, success: true, message: 'Deployed successfully' }] },
      };
    } catch (err) {
      // A deploy that failed is answered in the deploy's own shape, with the status of its cause (400 invalid member,
      // 409 conflict or missing environment resource, 5xx Baton's own failure): tools checking either one see it.
      status = toApiOpsError(err, deps, request).status;
      const message = toFailureMessage(err, deps, request);
      answer = {
        success: false,
        deploymentResult: { success: false, message: `Deployment failed: ${message}`, environmentResults: [{ environmentName: env, success: false, message }] },
      };
      if (status >= 500) deps.logger.error({ err, org: project, env, group }, 'API Ops group deploy failed');
    }
    await audit(status === 200 ? 'success' : 'failure', { status });
    return reply.code(status).send(answer);
  });
}

/**
 * `POST /apiops/projects/{project}/apiProxyGroups/{group}/environments/{env}/` (project = organization), Bearer
 * personal access token only. Needs API_MANAGEMENT in the organization and DEPLOY_UNDEPLOY in the environment; a
 * group or environment that does not exist or is not permitted is the same 400 (Apinizer's wording). Errors here are
 * Apinizer's `{error, error_description}`, not the Edge body, so this scope has its own error handler.
 */
export const apiOpsRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  void app.register(async (scope) => routes(scope, deps));
};
