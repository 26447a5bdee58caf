// Management API of app keys (Edge `…/apps/{app}/keys`): import, read, add products, approve/revoke, delete.
import type { FastifyRequest } from 'fastify';
import type { KeyPath } from '../../developers/key-operations.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { readParams } from '../read-params.js';
import { assertReader, runManagementChange } from './developer-route-kit.js';
import { readJsonBody } from './read-json-body.js';

interface AppParams { org: string; developer: string; app: string }
interface KeyParams extends AppParams { key: string }
interface KeyProductParams extends KeyParams { product: string }

/**
 * Keys travel in the path (Edge's API), but never into the audit trail or logs: audit targets name a key by
 * `toKeyRef` (a prefix of its keyed hash), and the admin server logs route patterns, not URLs.
 */
export const appKeyRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { developers } = deps;
  const base = '/v1/organizations/:org/developers/:developer/apps/:app/keys';
  const toPath = (params: KeyParams): KeyPath => ({ organization: params.org, developer: params.developer, app: params.app, consumerKey: params.key });
  const toTarget = (params: KeyParams) => `developers/${params.developer}/apps/${params.app}/keys/${developers.toKeyRef(params.key)}`;
  const user = (request: FastifyRequest) => request.principal.user;

  app.post<{ Params: AppParams }>(`${base}/create`, async (request, reply) => {
    const { org, developer, app: name } = request.params;
    const body = readJsonBody(request);
    const key = typeof body.consumerKey === 'string' ? developers.toKeyRef(body.consumerKey) : '(none)';
    const created = await runManagementChange(deps, request, org, 'import-key', `developers/${developer}/apps/${name}/keys/${key}`, 201,
      () => developers.importKey(org, developer, name, body, user(request)));
    return reply.code(201).send(created);
  });

  app.get<{ Params: KeyParams }>(`${base}/:key`, async (request) => {
    assertReader(deps, request, request.params.org);
    return developers.getKey(toPath(request.params));
  });

  // Edge: with `action=approve|revoke` the key's status changes (204); otherwise the JSON body adds API products.
  app.post<{ Params: KeyParams }>(`${base}/:key`, async (request, reply) => {
    const { params } = request;
    const { action } = readParams(request);
    if (action !== undefined) {
      await runManagementChange(deps, request, params.org, 'set-key-status', toTarget(params), 204,
        () => developers.setKeyStatus(toPath(params), action, user(request)));
      return reply.code(204).send();
    }
    const body = readJsonBody(request);
    return runManagementChange(deps, request, params.org, 'update-key', toTarget(params), 200, () => developers.updateKey(toPath(params), body, user(request)));
  });

  app.delete<{ Params: KeyParams }>(`${base}/:key`, async (request) => {
    const { params } = request;
    return runManagementChange(deps, request, params.org, 'delete-key', toTarget(params), 200, () => developers.deleteKey(toPath(params), user(request)));
  });

  app.post<{ Params: KeyProductParams }>(`${base}/:key/apiproducts/:product`, async (request, reply) => {
    const { params } = request;
    const { action } = readParams(request);
    await runManagementChange(deps, request, params.org, 'set-key-product-status', `${toTarget(params)}/apiproducts/${params.product}`, 204,
      () => developers.setKeyProductStatus(toPath(params), params.product, action, user(request)));
    return reply.code(204).send();
  });

  app.delete<{ Params: KeyProductParams }>(`${base}/:key/apiproducts/:product`, async (request) => {
    const { params } = request;
    return runManagementChange(deps, request, params.org, 'remove-key-product', `${toTarget(params)}/apiproducts/${params.product}`, 200,
      () => developers.removeKeyProduct(toPath(params), params.product, user(request)));
  });
};
