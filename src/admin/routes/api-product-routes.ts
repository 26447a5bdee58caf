// Management API of API products (Edge `/apiproducts`): list, create, read, update, delete.
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { readParams } from '../read-params.js';
import { assertReader, runManagementChange, toListing } from './developer-route-kit.js';
import { readJsonBody } from './read-json-body.js';

interface OrgParams { org: string }
interface ProductParams extends OrgParams { product: string }

/** Reads need READ, changes API_MANAGEMENT; every change is audited. */
export const apiProductRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { developers } = deps;

  app.get<{ Params: OrgParams }>('/v1/organizations/:org/apiproducts', async (request) => {
    const { org } = request.params;
    assertReader(deps, request, org);
    return toListing(developers.listProducts(org), (p) => p.name, 'apiProduct', readParams(request));
  });

  app.post<{ Params: OrgParams }>('/v1/organizations/:org/apiproducts', async (request, reply) => {
    const { org } = request.params;
    const body = readJsonBody(request);
    const name = typeof body.name === 'string' ? body.name : '(none)';
    const created = await runManagementChange(deps, request, org, 'create-apiproduct', `apiproducts/${name}`, 201,
      () => developers.createProduct(org, body, request.principal.user));
    return reply.code(201).send(created);
  });

  app.get<{ Params: ProductParams }>('/v1/organizations/:org/apiproducts/:product', async (request) => {
    const { org, product } = request.params;
    assertReader(deps, request, org);
    return developers.getProduct(org, product);
  });

  app.put<{ Params: ProductParams }>('/v1/organizations/:org/apiproducts/:product', async (request) => {
    const { org, product } = request.params;
    const body = readJsonBody(request);
    return runManagementChange(deps, request, org, 'update-apiproduct', `apiproducts/${product}`, 200,
      () => developers.updateProduct(org, product, body, request.principal.user));
  });

  app.delete<{ Params: ProductParams }>('/v1/organizations/:org/apiproducts/:product', async (request) => {
    const { org, product } = request.params;
    return runManagementChange(deps, request, org, 'delete-apiproduct', `apiproducts/${product}`, 200, () => developers.deleteProduct(org, product));
  });
};
