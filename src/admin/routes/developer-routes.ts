// Management API of developers (Edge `/developers`): list, create, read, update, set status (`action`), delete.
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { readParams } from '../read-params.js';
import { assertReader, runManagementChange, toListing } from './developer-route-kit.js';
import { readJsonBody } from './read-json-body.js';

interface OrgParams { org: string }
interface DeveloperParams extends OrgParams { developer: string }

/** `:developer` is an email or a developerId, as in Edge. Reads need READ, changes API_MANAGEMENT; every change is audited. */
export const developerRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { developers } = deps;

  app.get<{ Params: OrgParams }>('/v1/organizations/:org/developers', async (request) => {
    const { org } = request.params;
    assertReader(deps, request, org);
    return toListing(developers.listDevelopers(org), (d) => d.email, 'developer', readParams(request));
  });

  app.post<{ Params: OrgParams }>('/v1/organizations/:org/developers', async (request, reply) => {
    const { org } = request.params;
    const body = readJsonBody(request);
    const email = typeof body.email === 'string' ? body.email : '(none)';
    const created = await runManagementChange(deps, request, org, 'create-developer', `developers/${email}`, 201,
      () => developers.createDeveloper(org, body, request.principal.user));
    return reply.code(201).send(created);
  });

  app.get<{ Params: DeveloperParams }>('/v1/organizations/:org/developers/:developer', async (request) => {
    const { org, developer } = request.params;
    assertReader(deps, request, org);
    return developers.getDeveloper(org, developer);
  });

  app.put<{ Params: DeveloperParams }>('/v1/organizations/:org/developers/:developer', async (request) => {
    const { org, developer } = request.params;
    const body = readJsonBody(request);
    return runManagementChange(deps, request, org, 'update-developer', `developers/${developer}`, 200,
      () => developers.updateDeveloper(org, developer, body, request.principal.user));
  });

  // Edge: `POST …/developers/{email}?action=active|inactive` with an empty body answers 204.
  app.post<{ Params: DeveloperParams }>('/v1/organizations/:org/developers/:developer', async (request, reply) => {
    const { org, developer } = request.params;
    const { action } = readParams(request);
    await runManagementChange(deps, request, org, 'set-developer-status', `developers/${developer}`, 204,
      () => developers.setDeveloperStatus(org, developer, action, request.principal.user));
    return reply.code(204).send();
  });

  app.delete<{ Params: DeveloperParams }>('/v1/organizations/:org/developers/:developer', async (request) => {
    const { org, developer } = request.params;
    return runManagementChange(deps, request, org, 'delete-developer', `developers/${developer}`, 200, () => developers.deleteDeveloper(org, developer));
  });
};
