// Management API of an environment's TargetServers (Edge v1 `…/environments/{env}/targetservers`): list, create, read, replace, delete.
import type { FastifyRequest } from 'fastify';
import { parseTargetServerJson } from '../../target-servers/parse-target-server-json.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readParams } from '../read-params.js';
import { resolveEnvironment } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';
import { readJsonBody } from './read-json-body.js';

interface EnvironmentParams { org: string; env: string }
interface TargetServerParams extends EnvironmentParams { name: string }

const targetServersPath = '/v1/organizations/:org/environments/:env/targetservers';

/** Changes need ENVIRONMENT_API (opsadmin) or API_MANAGEMENT in the environment; 403 names ENVIRONMENT_API. */
function assertMayChange(request: FastifyRequest, organization: string, environment: string): void {
  if (request.principal?.has('API_MANAGEMENT', organization, environment)) return;
  assertPermission(request, 'ENVIRONMENT_API', organization, environment);
}

/**
 * Environment existence (404) is checked before permissions (403). Reads need READ. Bodies are Edge TargetServer
 * JSON; POST answers 201 with the created TargetServer, PUT 200 with the new definition, DELETE 200 with the
 * deleted one. Every change is audited, refusals included.
 */
export const targetServerRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { targetServers } = deps;

  app.get<{ Params: EnvironmentParams }>(targetServersPath, async (request) => {
    const { org, env } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return targetServers.list(org, env);
  });

  app.get<{ Params: TargetServerParams }>(`${targetServersPath}/:name`, async (request) => {
    const { org, env, name } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return targetServers.get(org, env, name);
  });

  app.post<{ Params: EnvironmentParams }>(targetServersPath, async (request, reply) => {
    const { org, env } = request.params;
    const created = await withApiAudit(deps, request, {
      organization: org, operation: 'create-target-server', target: `environments/${env}/targetservers`, successStatus: 201,
      successTarget: (json) => `environments/${env}/targetservers/${json.name}`,
    }, async () => {
      resolveEnvironment(deps, org, env);
      assertMayChange(request, org, env);
      const body = readJsonBody(request);
      // Apigee X also takes the name as a query parameter.
      const named = body.name === undefined && readParams(request).name !== undefined ? { ...body, name: readParams(request).name } : body;
      return targetServers.create({ organization: org, environment: env, user: request.principal.user }, parseTargetServerJson(named));
    });
    return reply.code(201).send(created);
  });

  app.put<{ Params: TargetServerParams }>(`${targetServersPath}/:name`, async (request) => {
    const { org, env, name } = request.params;
    return withApiAudit(deps, request, { organization: org, operation: 'update-target-server', target: `environments/${env}/targetservers/${name.slice(0, 255)}` }, async () => {
      resolveEnvironment(deps, org, env);
      assertMayChange(request, org, env);
      const input = parseTargetServerJson(readJsonBody(request), name);
      return targetServers.replace({ organization: org, environment: env, user: request.principal.user }, input);
    });
  });

  app.delete<{ Params: TargetServerParams }>(`${targetServersPath}/:name`, async (request) => {
    const { org, env, name } = request.params;
    return withApiAudit(deps, request, { organization: org, operation: 'delete-target-server', target: `environments/${env}/targetservers/${name.slice(0, 255)}` }, async () => {
      resolveEnvironment(deps, org, env);
      assertMayChange(request, org, env);
      return targetServers.delete({ organization: org, environment: env, user: request.principal.user }, name);
    });
  });
};
