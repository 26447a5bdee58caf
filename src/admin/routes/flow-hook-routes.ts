// Management API for an environment's flow hooks (Edge shapes): list the four points, read, attach and detach a shared flow.
import type { FastifyRequest } from 'fastify';
import { parseXml } from '../../bundle/parse-xml.js';
import { childText } from '../../bundle/xml-element.js';
import { flowHookPoints, isFlowHookPoint, type FlowHookPoint } from '../../engine/shared-flow.js';
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { resolveEnvironment } from '../resolve-organization.js';
import { toFlowHookJson } from '../to-shared-flow-json.js';
import { withApiAudit } from './api-audit.js';
import { invalid, readJsonBody, readOptionalString, readRequiredString } from './read-json-body.js';

interface EnvParams { org: string; env: string }
interface HookParams extends EnvParams { hook: string }

interface AttachBody {
  readonly sharedFlow: string;
  readonly continueOnError: boolean;
  readonly description: string;
}

const hookPath = '/v1/organizations/:org/environments/:env/flowhooks/:hook';
const xmlTypes = new Set(['application/xml', 'text/xml']);

function toPoint(hook: string): FlowHookPoint {
  if (!isFlowHookPoint(hook)) throw new AdminError('ResourceNotFound', [`flowhooks/${hook.slice(0, 64)}: expected one of ${flowHookPoints.join(', ')}`]);
  return hook;
}

/** `continueOnError` as JSON boolean or the strings true/false; Apigee's default is true. */
function toContinueOnError(value: unknown): boolean {
  if (value === undefined || value === '') return true;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw invalid('continueOnError: expected true or false');
}

/** JSON `{"sharedFlow", "continueOnError", "description"}`, or Edge's XML `<FlowHook><SharedFlow>…</SharedFlow><ContinueOnError>…`. */
function readAttachBody(request: FastifyRequest): AttachBody {
  const type = request.headers['content-type']?.split(';', 1)[0]!.trim().toLowerCase();
  if (type !== undefined && xmlTypes.has(type)) {
    let root;
    try {
      root = parseXml(Buffer.isBuffer(request.body) ? request.body : new Uint8Array());
    } catch (err) {
      throw invalid(`body: ${(err as Error).message}`);
    }
    if (root.name !== 'FlowHook') throw invalid(`body: root element is ${root.name}, expected FlowHook`);
    const sharedFlow = childText(root, 'SharedFlow');
    if (sharedFlow === undefined) throw invalid('SharedFlow: required');
    return { sharedFlow, continueOnError: toContinueOnError(childText(root, 'ContinueOnError')), description: childText(root, 'Description') ?? '' };
  }
  const fields = readJsonBody(request);
  const sharedFlow = readRequiredString(fields, 'sharedFlow');
  if (sharedFlow.trim() === '') throw invalid('sharedFlow: required');
  return { sharedFlow, continueOnError: toContinueOnError(fields.continueOnError), description: readOptionalString(fields, 'description') ?? '' };
}

/**
 * Reads need READ in the environment; attaching and detaching need ADMIN (Apigee: "You must be an org admin"),
 * since a hook runs for every proxy of the environment. Changes are audited, refusals included.
 */
export const flowHookRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  app.get<{ Params: EnvParams }>('/v1/organizations/:org/environments/:env/flowhooks', async (request) => {
    const { org, env } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return [...flowHookPoints];
  });

  app.get<{ Params: HookParams }>(hookPath, async (request) => {
    const { org, env, hook } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    const point = toPoint(hook);
    return toFlowHookJson(point, deps.sharedFlows.getFlowHook(org, env, point));
  });

  const attach = async (request: FastifyRequest<{ Params: HookParams }>) => {
    const { org, env, hook } = request.params;
    return withApiAudit(deps, request, { organization: org, operation: 'attach-flowhook', target: `environments/${env}/flowhooks/${hook}` }, async () => {
      resolveEnvironment(deps, org, env);
      assertPermission(request, 'ADMIN', org, env);
      const point = toPoint(hook);
      const body = readAttachBody(request);
      const record = await deps.sharedFlows.attachFlowHook({ organization: org, environment: env, point, ...body, user: request.principal.user });
      return toFlowHookJson(point, record);
    });
  };
  app.put<{ Params: HookParams }>(hookPath, attach);
  app.post<{ Params: HookParams }>(hookPath, attach);

  app.delete<{ Params: HookParams }>(hookPath, async (request) => {
    const { org, env, hook } = request.params;
    return withApiAudit(deps, request, { organization: org, operation: 'detach-flowhook', target: `environments/${env}/flowhooks/${hook}` }, async () => {
      resolveEnvironment(deps, org, env);
      assertPermission(request, 'ADMIN', org, env);
      const point = toPoint(hook);
      return toFlowHookJson(point, await deps.sharedFlows.detachFlowHook(org, env, point, request.principal.user));
    });
  });
};
