// Management API reads of deployments (compat §3.1, §3.8-3.9): the single object and the five listings.
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { parseRevisionNumber } from '../deployment-params.js';
import { resolveEnvironment, resolveOrganization } from '../resolve-organization.js';
import { sendXml, wantsXml } from '../send-xml.js';
import { toDeploymentJson } from '../to-deployment-json.js';
import {
  toApiDeploymentsJson, toEnvironmentApiDeploymentsJson, toEnvironmentDeploymentsJson, toOrganizationDeploymentsJson, toRevisionDeploymentsJson,
} from '../to-deployment-listings.js';
import { toDeploymentView, toListedViews, type DeploymentView } from '../to-deployment-view.js';
import { toApiDeploymentsXml } from '../to-deployment-xml.js';

interface OrgParams { org: string }
interface ApiParams extends OrgParams { api: string }
interface RevisionParams extends ApiParams { rev: string }
interface EnvParams extends OrgParams { env: string }
interface EnvApiParams extends EnvParams { api: string }
interface EnvRevisionParams extends EnvApiParams { rev: string }

/**
 * Existence of the organization and environment (configured, not secret) is checked before permissions;
 * proxies and revisions after. Environment-scoped reads need READ there; organization-wide listings show the
 * environments the caller may READ and are 403 when there is none.
 */
export const deploymentListingRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const listViews = (organization: string, filter: { environment?: string; api?: string; revision?: number }): DeploymentView[] =>
    toListedViews(deps.deployments.list(organization, filter), deps.deployments.inspect, deps.now());

  const readableEnvironments = (request: FastifyRequest, organization: string): ReadonlySet<string> => {
    const names = resolveOrganization(deps, organization).environments.map((e) => e.name).filter((env) => request.principal.has('READ', organization, env));
    if (names.length === 0) assertPermission(request, 'READ', organization);
    return new Set(names);
  };

  const assertApiExists = (organization: string, api: string): void => {
    if (!deps.revisions.getApi(organization, api)) throw new AdminError('ApplicationDoesNotExist', [api, organization]);
  };

  app.get<{ Params: EnvRevisionParams }>('/v1/organizations/:org/environments/:env/apis/:api/revisions/:rev/deployments', async (request) => {
    const { org, env, api, rev } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    const revision = parseRevisionNumber(deps, org, api, rev);
    if (!deps.revisions.getRevision(org, api, revision)) throw new AdminError('RevisionDoesNotExist', [revision, api, org]);
    const record = deps.deployments.list(org, { environment: env, api, revision })[0];
    const view = record && toDeploymentView(record, deps.deployments.inspect, deps.now());
    if (view?.state !== 'deployed') throw new AdminError('RevisionNotDeployed', [revision, api, env]);
    return toDeploymentJson(view);
  });

  // Existing deploy scripts send `Accept: application/xml` here and parse the reply as XML (compat §1.3, §3.9).
  app.get<{ Params: ApiParams }>('/v1/organizations/:org/apis/:api/deployments', async (request, reply) => {
    const { org, api } = request.params;
    const readable = readableEnvironments(request, org);
    assertApiExists(org, api);
    const listing = toApiDeploymentsJson(org, api, listViews(org, { api }).filter((v) => readable.has(v.record.environment)));
    return wantsXml(request) ? sendXml(reply, toApiDeploymentsXml(listing)) : listing;
  });

  app.get<{ Params: EnvApiParams }>('/v1/organizations/:org/environments/:env/apis/:api/deployments', async (request) => {
    const { org, env, api } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    assertApiExists(org, api);
    const views = listViews(org, { environment: env, api });
    if (views.length === 0) throw new AdminError('ApplicationNotDeployed', [api, env]);
    return toEnvironmentApiDeploymentsJson(org, env, api, views);
  });

  app.get<{ Params: EnvParams }>('/v1/organizations/:org/environments/:env/deployments', async (request) => {
    const { org, env } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return toEnvironmentDeploymentsJson(org, env, listViews(org, { environment: env }));
  });

  app.get<{ Params: RevisionParams }>('/v1/organizations/:org/apis/:api/revisions/:rev/deployments', async (request) => {
    const { org, api, rev } = request.params;
    const readable = readableEnvironments(request, org);
    const revision = parseRevisionNumber(deps, org, api, rev);
    if (!deps.revisions.getRevision(org, api, revision)) throw new AdminError('RevisionDoesNotExist', [revision, api, org]);
    return toRevisionDeploymentsJson(org, api, revision, listViews(org, { api, revision }).filter((v) => readable.has(v.record.environment)));
  });

  // `includeServerStatus` and `includeApiConfig` are ignored: `server` and `configuration` are always there (compat §3.1).
  app.get<{ Params: OrgParams }>('/v1/organizations/:org/deployments', async (request) => {
    const { org } = request.params;
    const readable = readableEnvironments(request, org);
    return toOrganizationDeploymentsJson(org, listViews(org, {}).filter((v) => readable.has(v.record.environment)));
  });
};
