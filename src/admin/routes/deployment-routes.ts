// Management API deploy and undeploy calls (compat §3.1): the environment-scoped form and both legacy forms.
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { changeDeployment } from '../deployment-change.js';
import { parseDeploymentAction } from '../deployment-params.js';
import { readParams } from '../read-params.js';
import { deploymentListingRoutes } from './deployment-listing-routes.js';

interface ApiParams { org: string; api: string }
interface RevisionParams extends ApiParams { rev: string }
interface EnvironmentRevisionParams extends RevisionParams { env: string }

const environmentRevisionPath = '/v1/organizations/:org/environments/:env/apis/:api/revisions/:rev/deployments';

/**
 * Deploy and undeploy answer exactly 200 (never 201 or 204: some tools accept only 200) with the single object,
 * or the seamless form when a deploy replaced revisions. Parameters come from the query string, a form body or
 * both; the body and its Content-Type may be missing (compat §1.2). The listings and the single-object GET are
 * in deploymentListingRoutes.
 */
export const deploymentRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  app.post<{ Params: EnvironmentRevisionParams }>(environmentRevisionPath, async (request) => {
    const { org, env, api, rev } = request.params;
    const params = readParams(request);
    // This form only deploys; `action=deploy` is tolerated because some tools send it anyway.
    if (params.action !== undefined && params.action.toLowerCase() !== 'deploy') {
      throw new AdminError('InvalidParameter', [`Invalid value for action: expected deploy, got ${JSON.stringify(params.action)}`]);
    }
    return changeDeployment(request, deps, { operation: 'deploy', organization: org, environment: env, api, revision: rev, params });
  });

  app.delete<{ Params: EnvironmentRevisionParams }>(environmentRevisionPath, async (request) => {
    const { org, env, api, rev } = request.params;
    return changeDeployment(request, deps, { operation: 'undeploy', organization: org, environment: env, api, revision: rev, params: readParams(request) });
  });

  // Legacy: `?action=deploy|undeploy&env=…` (+ override, delay, basepath; `force` changes nothing).
  app.post<{ Params: RevisionParams }>('/v1/organizations/:org/apis/:api/revisions/:rev/deployments', async (request) => {
    const { org, api, rev } = request.params;
    const params = readParams(request);
    const operation = parseDeploymentAction(params);
    return changeDeployment(request, deps, { operation, organization: org, environment: params.env, api, revision: rev, params });
  });

  // Legacy: `?action=deploy|undeploy&env=…&revision=…` (+ override, delay, basepath).
  app.post<{ Params: ApiParams }>('/v1/organizations/:org/apis/:api/deployments', async (request) => {
    const { org, api } = request.params;
    const params = readParams(request);
    const operation = parseDeploymentAction(params);
    return changeDeployment(request, deps, { operation, organization: org, environment: params.env, api, revision: params.revision, params });
  });

  deploymentListingRoutes(app, deps);
};
