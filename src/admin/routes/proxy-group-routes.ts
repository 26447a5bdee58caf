// Management API of API proxy groups: CRUD per organization, and deploy / undeploy / status per environment.
import type { FastifyRequest } from 'fastify';
import type { EnvironmentChangeResult } from '../../deployments/apply-environment-change.js';
import type { DeploymentRecord } from '../../deployments/deployment-records.js';
import { AdminError } from '../../errors.js';
import { parseProxyGroupInput, type ProxyGroupInput } from '../../groups/parse-proxy-group-input.js';
import type { GroupMemberPlan } from '../../groups/plan-group-deployment.js';
import type { GroupChangeInput } from '../../groups/proxy-group-service.js';
import { toProxyGroupJson } from '../../groups/to-proxy-group-json.js';
import type { DeployHistoryRecord } from '../../history/deploy-history-record.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { parseDeployOptions } from '../deployment-params.js';
import { readBooleanParam, readParams } from '../read-params.js';
import { isFormContentType } from '../register-body-parsers.js';
import { resolveEnvironment, resolveOrganization } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';
import { invalid, readJsonBody, readOptionalString, type JsonFields } from './read-json-body.js';

interface OrganizationParams { org: string }
interface GroupParams extends OrganizationParams { group: string }
interface EnvironmentGroupParams extends GroupParams { env: string }

const groupsPath = '/v1/organizations/:org/proxygroups';
const deploymentsPath = '/v1/organizations/:org/environments/:env/proxygroups/:group/deployments';
const maxDescriptionLength = 1024;

interface DeploymentStateJson {
  readonly api: string;
  readonly revision: string;
  readonly basePath: string;
  readonly undeployAt?: number;
}

export interface GroupChangeJson {
  readonly group: string;
  readonly environment: string;
  readonly deployed: readonly DeploymentStateJson[];
  readonly undeployed: readonly DeploymentStateJson[];
  readonly unchanged: readonly DeploymentStateJson[];
  /** Revisions of members left serving at other base paths (compat §3.4 step 4), with a warning. */
  readonly leftoverRevisions?: readonly DeploymentStateJson[];
  readonly warning?: string;
  readonly history: DeployHistoryRecord;
}

function toStateJson(record: DeploymentRecord): DeploymentStateJson {
  return { api: record.api, revision: String(record.revision), basePath: record.basePath, ...(record.undeployAt === undefined ? {} : { undeployAt: record.undeployAt }) };
}

export function toGroupChangeJson(group: string, environment: string, change: EnvironmentChangeResult, members: readonly GroupMemberPlan[] = []): GroupChangeJson {
  const leftovers = members.flatMap((m) => m.leftovers);
  return {
    group, environment,
    deployed: change.deployed.map(toStateJson), undeployed: change.undeployed.map(toStateJson), unchanged: change.unchanged.map(toStateJson),
    ...(leftovers.length === 0 ? {} : {
      leftoverRevisions: leftovers.map(toStateJson),
      warning: `${leftovers.map((r) => `${r.api} revision ${r.revision} at ${r.basePath}`).join(', ')} stayed deployed in ${environment}: a deploy replaces only revisions at the member's base path. Undeploy them if they should not serve.`,
    }),
    history: change.history,
  };
}

function toInvalidGroup(problems: readonly string[]): AdminError {
  return new AdminError('InvalidParameter', [problems.join('; ')], { details: { errors: problems } });
}

function readGroupInput(request: FastifyRequest, pathName?: string): ProxyGroupInput {
  const parsed = parseProxyGroupInput(readJsonBody(request), pathName);
  if (!parsed.input) throw toInvalidGroup(parsed.problems);
  return parsed.input;
}

/** JSON fields of the body; a form body's fields are read with the query string instead (readParams). */
function readBodyFields(request: FastifyRequest): JsonFields {
  return isFormContentType(request.headers['content-type']) ? Object.create(null) as JsonFields : readJsonBody(request);
}

/** `description`, `persistent` and `delay` from a JSON body or the parameters (query string or form). */
function readChangeOptions(request: FastifyRequest): Pick<GroupChangeInput, 'description' | 'persistent' | 'delaySeconds'> {
  const fields = readBodyFields(request);
  const params = readParams(request);
  const description = readOptionalString(fields, 'description') ?? params.description;
  if (description !== undefined && description.length > maxDescriptionLength) throw invalid(`description: expected at most ${maxDescriptionLength} characters`);
  let persistent: boolean | undefined;
  if (fields.persistent !== undefined) {
    if (typeof fields.persistent !== 'boolean') throw invalid('persistent: expected true or false');
    persistent = fields.persistent;
  } else if (params.persistent !== undefined) {
    persistent = readBooleanParam(params, 'persistent', false);
  }
  let delay = params.delay;
  if (fields.delay !== undefined) {
    if (typeof fields.delay !== 'number' || !Number.isSafeInteger(fields.delay)) throw invalid('delay: expected an integer number of seconds');
    delay = String(fields.delay);
  }
  const delaySeconds = delay === undefined || delay === '' ? undefined : parseDeployOptions({ delay }).delaySeconds;
  return {
    ...(description !== undefined && description !== '' ? { description } : {}),
    ...(persistent !== undefined ? { persistent } : {}),
    ...(delaySeconds !== undefined ? { delaySeconds } : {}),
  };
}

/**
 * Reading needs READ in the organization (a deployment status: READ in the environment); creating, replacing and
 * deleting need API_MANAGEMENT; deploying and undeploying need API_MANAGEMENT and DEPLOY_UNDEPLOY in the environment
 * (as Apinizer's). Existence (404) is checked before permissions (403), as everywhere. Every change is audited.
 */
export const proxyGroupRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { groups } = deps;
  const findGroup = (org: string, name: string) => {
    const group = groups.get(org, name);
    if (!group) throw new AdminError('ProxyGroupDoesNotExist', [name, org]);
    return group;
  };

  app.get<{ Params: OrganizationParams }>(groupsPath, async (request) => {
    const { org } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    const expand = readBooleanParam(readParams(request), 'expand', false);
    const all = groups.list(org);
    return expand ? { proxyGroups: all.map(toProxyGroupJson) } : all.map((g) => g.name);
  });

  app.post<{ Params: OrganizationParams }>(groupsPath, async (request, reply) => {
    const { org } = request.params;
    resolveOrganization(deps, org);
    const audit = { organization: org, operation: 'create-proxygroup', target: 'proxygroups', successStatus: 201, successTarget: (json: { name: string }) => `proxygroups/${json.name}` };
    const created = await withApiAudit(deps, request, audit, async () => {
      assertPermission(request, 'API_MANAGEMENT', org);
      return toProxyGroupJson(await groups.create(org, readGroupInput(request), request.principal.user));
    });
    return reply.code(201).send(created);
  });

  app.get<{ Params: GroupParams }>(`${groupsPath}/:group`, async (request) => {
    const { org, group } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    return toProxyGroupJson(findGroup(org, group));
  });

  app.put<{ Params: GroupParams }>(`${groupsPath}/:group`, async (request) => {
    const { org, group } = request.params;
    resolveOrganization(deps, org);
    return withApiAudit(deps, request, { organization: org, operation: 'update-proxygroup', target: `proxygroups/${group}` }, async () => {
      assertPermission(request, 'API_MANAGEMENT', org);
      findGroup(org, group);
      return toProxyGroupJson(await groups.replace(org, readGroupInput(request, group), request.principal.user));
    });
  });

  app.delete<{ Params: GroupParams }>(`${groupsPath}/:group`, async (request) => {
    const { org, group } = request.params;
    resolveOrganization(deps, org);
    return withApiAudit(deps, request, { organization: org, operation: 'delete-proxygroup', target: `proxygroups/${group}` }, async () => {
      assertPermission(request, 'API_MANAGEMENT', org);
      return toProxyGroupJson(await groups.delete(org, group));
    });
  });

  app.get<{ Params: GroupParams }>(`${groupsPath}/:group/deployments`, async (request) => {
    const { org, group } = request.params;
    const organization = resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    findGroup(org, group);
    return { name: group, environments: organization.environments.map((env) => groups.status(org, env.name, group)) };
  });

  app.get<{ Params: EnvironmentGroupParams }>(deploymentsPath, async (request) => {
    const { org, env, group } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return groups.status(org, env, group);
  });

  const change = (operation: 'deploy' | 'undeploy') => async (request: FastifyRequest<{ Params: EnvironmentGroupParams }>): Promise<GroupChangeJson> => {
    const { org, env, group } = request.params;
    const target = `environments/${env}/proxygroups/${group}/deployments`;
    return withApiAudit(deps, request, { organization: org, operation: `${operation}-proxygroup`, target }, async () => {
      resolveEnvironment(deps, org, env);
      assertPermission(request, 'API_MANAGEMENT', org);
      assertPermission(request, 'DEPLOY_UNDEPLOY', org, env);
      findGroup(org, group);
      const input: GroupChangeInput = { organization: org, environment: env, name: group, user: request.principal.user, ...readChangeOptions(request) };
      if (operation === 'undeploy') return toGroupChangeJson(group, env, await groups.undeploy(input));
      const result = await groups.deploy(input);
      return toGroupChangeJson(group, env, result.change, result.members);
    });
  };
  app.post<{ Params: EnvironmentGroupParams }>(deploymentsPath, change('deploy'));
  app.delete<{ Params: EnvironmentGroupParams }>(deploymentsPath, change('undeploy'));
};
