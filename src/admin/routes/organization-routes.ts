// Management API over config and runtimes: organizations, environments and virtual hosts (compat §4).
import type { EnvironmentConfig, OrganizationConfig } from '../../config.js';
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { resolveEnvironment, resolveOrganization } from '../resolve-organization.js';
import { findVirtualHost, listVirtualHostNames, toVirtualHostJson } from '../to-virtual-host-json.js';

interface OrgParams { org: string }
interface EnvParams extends OrgParams { env: string }
interface VirtualHostParams extends EnvParams { vh: string }

function toPropertyList(properties: Readonly<Record<string, string>>): { property: Array<{ name: string; value: string }> } {
  return { property: Object.entries(properties).map(([name, value]) => ({ name, value })) };
}

function toOrganizationJson(organization: OrganizationConfig) {
  return {
    name: organization.name,
    displayName: organization.displayName,
    environments: organization.environments.map((e) => e.name),
    properties: toPropertyList(organization.properties),
  };
}

/** Environments come from the config, so they were "created" and last changed when this gateway started. */
function toEnvironmentJson(environment: EnvironmentConfig, startedAt: number, createdBy: string) {
  return {
    name: environment.name,
    createdAt: startedAt,
    createdBy,
    lastModifiedAt: startedAt,
    lastModifiedBy: createdBy,
    ...(environment.description !== '' ? { description: environment.description } : {}),
    properties: toPropertyList(environment.properties),
  };
}

/**
 * Every route needs READ in the organization (and environment). The existence check comes first, so an unknown
 * name is 404 for every authenticated caller (our choice: the configured names are not secret).
 * `GET /v1/organizations` lists the organizations the caller can READ, or every one for an ADMIN.
 */
export const organizationRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const startedAt = deps.now();
  const createdBy = deps.config.admin.user;

  app.get('/v1/organizations', async (request) => {
    const principal = request.principal;
    return deps.config.organizations.filter((o) => principal.isAdmin || principal.has('READ', o.name)).map((o) => o.name);
  });

  app.get<{ Params: OrgParams }>('/v1/organizations/:org', async (request) => {
    const organization = resolveOrganization(deps, request.params.org);
    assertPermission(request, 'READ', organization.name);
    return toOrganizationJson(organization);
  });

  app.get<{ Params: OrgParams }>('/v1/organizations/:org/environments', async (request) => {
    const organization = resolveOrganization(deps, request.params.org);
    assertPermission(request, 'READ', organization.name);
    return organization.environments.map((e) => e.name);
  });

  app.get<{ Params: EnvParams }>('/v1/organizations/:org/environments/:env', async (request) => {
    const { org, env } = request.params;
    const environment = resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return toEnvironmentJson(environment, startedAt, createdBy);
  });

  app.get<{ Params: EnvParams }>('/v1/organizations/:org/environments/:env/virtualhosts', async (request) => {
    const { org, env } = request.params;
    const environment = resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return listVirtualHostNames(environment, deps.runtimes.get(`${org}/${env}`));
  });

  app.get<{ Params: VirtualHostParams }>('/v1/organizations/:org/environments/:env/virtualhosts/:vh', async (request) => {
    const { org, env, vh } = request.params;
    const environment = resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    const virtualHost = findVirtualHost(environment, deps.runtimes.get(`${org}/${env}`), vh);
    if (!virtualHost) throw new AdminError('VirtualHostDoesNotExist', [vh, env, org]);
    return toVirtualHostJson(vh, virtualHost, deps.boundPort(org, env, virtualHost.name) ?? virtualHost.port);
  });
};
