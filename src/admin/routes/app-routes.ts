// Management API of developer apps (Edge `/developers/{email}/apps`, org-wide `/apps`); mounts the app key routes.
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { readParams } from '../read-params.js';
import { appKeyRoutes } from './app-key-routes.js';
import { assertReader, runManagementChange, toListing } from './developer-route-kit.js';
import { readJsonBody } from './read-json-body.js';

interface OrgParams { org: string }
interface DeveloperParams extends OrgParams { developer: string }
interface AppParams extends DeveloperParams { app: string }

/** Reads need READ, changes API_MANAGEMENT; every change is audited. Responses carry consumer keys and secrets (Edge). */
export const appRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { developers } = deps;
  const base = '/v1/organizations/:org/developers/:developer/apps';

  app.get<{ Params: OrgParams }>('/v1/organizations/:org/apps', async (request) => {
    const { org } = request.params;
    assertReader(deps, request, org);
    return toListing(developers.listOrganizationApps(org), (a) => a.appId, 'app', readParams(request));
  });

  app.get<{ Params: OrgParams & { appId: string } }>('/v1/organizations/:org/apps/:appId', async (request) => {
    const { org, appId } = request.params;
    assertReader(deps, request, org);
    return developers.getAppById(org, appId);
  });

  app.get<{ Params: DeveloperParams }>(base, async (request) => {
    const { org, developer } = request.params;
    assertReader(deps, request, org);
    return toListing(developers.listApps(org, developer), (a) => a.name, 'app', readParams(request));
  });

  app.post<{ Params: DeveloperParams }>(base, async (request, reply) => {
    const { org, developer } = request.params;
    const body = readJsonBody(request);
    const name = typeof body.name === 'string' ? body.name : '(none)';
    const created = await runManagementChange(deps, request, org, 'create-app', `developers/${developer}/apps/${name}`, 201,
      () => developers.createApp(org, developer, body, request.principal.user));
    return reply.code(201).send(created);
  });

  app.get<{ Params: AppParams }>(`${base}/:app`, async (request) => {
    const { org, developer, app: name } = request.params;
    assertReader(deps, request, org);
    return developers.getApp(org, developer, name);
  });

  app.put<{ Params: AppParams }>(`${base}/:app`, async (request) => {
    const { org, developer, app: name } = request.params;
    const body = readJsonBody(request);
    return runManagementChange(deps, request, org, 'update-app', `developers/${developer}/apps/${name}`, 200,
      () => developers.updateApp(org, developer, name, body, request.principal.user));
  });

  // Edge: `POST …/apps/{app}?action=approve|revoke` with an empty body answers 204.
  app.post<{ Params: AppParams }>(`${base}/:app`, async (request, reply) => {
    const { org, developer, app: name } = request.params;
    const { action } = readParams(request);
    await runManagementChange(deps, request, org, 'set-app-status', `developers/${developer}/apps/${name}`, 204,
      () => developers.setAppStatus(org, developer, name, action, request.principal.user));
    return reply.code(204).send();
  });

  app.delete<{ Params: AppParams }>(`${base}/:app`, async (request) => {
    const { org, developer, app: name } = request.params;
    return runManagementChange(deps, request, org, 'delete-app', `developers/${developer}/apps/${name}`, 200, () => developers.deleteApp(org, developer, name));
  });

  appKeyRoutes(app, deps);
};
