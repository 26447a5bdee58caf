// Test routes that expose what the admin server core did with a request (paths, params, bodies, errors).
import type { AdminRoutes } from '../../../src/admin/admin-routes.js';
import { assertPermission } from '../../../src/admin/assert-permission.js';
import { readBooleanParam, readIntegerParam, readParams } from '../../../src/admin/read-params.js';
import { readUploadedFile } from '../../../src/admin/read-uploaded-file.js';
import { escapeXml, sendXml, wantsXml } from '../../../src/admin/send-xml.js';
import { AdminError, BundleError } from '../../../src/errors.js';
import { StoreError } from '../../../src/store/store.js';

interface EnvParams { org: string; env: string }

export const probeRoutes: AdminRoutes = (app) => {
  app.get<{ Params: EnvParams }>('/v1/organizations/:org/environments/:env/probe', async (request) => ({ ...request.params, url: request.url }));
  app.route<{ Params: EnvParams }>({
    method: ['GET', 'POST', 'PUT'],
    url: '/v1/organizations/:org/environments/:env/params',
    handler: async (request) => ({ params: readParams(request) }),
  });
  app.post('/v1/typed-params', async (request) => {
    const params = readParams(request);
    return { override: readBooleanParam(params, 'override', false), delay: readIntegerParam(params, 'delay', 0) };
  });
  app.post('/v1/upload', async (request) => {
    const file = await readUploadedFile(request);
    return { size: file?.length ?? null, text: file?.toString('latin1') ?? null };
  });
  app.post('/v1/json', async (request) => ({ body: request.body ?? null, polluted: (Object.prototype as Record<string, unknown>).polluted ?? null }));
  app.get('/v1/whoami', async (request) => ({ user: request.principal.user, method: request.principal.method }));
  app.get('/v1/needs-deploy', async (request) => {
    assertPermission(request, 'DEPLOY_UNDEPLOY', 'demo', 'prod');
    return {};
  });
  app.get('/v1/boom', async () => {
    throw new Error('secret detail at /etc/baton/secret.key');
  });
  app.get<{ Querystring: { code?: string } }>('/v1/store-failure', async (request) => {
    throw new StoreError(request.query.code === 'no-space' ? 'no-space' : 'io', 'disk on fire at /var/lib/baton');
  });
  app.get('/v1/bundle-error', async () => {
    throw new BundleError([
      { file: 'proxies/default.xml', message: 'Step AM-Missing refers to a policy that does not exist' },
      { file: 'policies/X.xml', message: 'unknown policy type Y' },
    ]);
  });
  app.get('/v1/bundle-too-large', async () => {
    throw new BundleError([{ file: '', message: 'Bundle exceeds the limit of 10 bytes' }], { status: 413 });
  });
  app.get('/v1/unsupported', async (request) => {
    throw new AdminError('UnsupportedMediaType', [request.headers['content-type'] ?? '(none)']);
  });
  app.get('/v1/xml', async (request, reply) => {
    const name = '<a & "b">';
    return wantsXml(request) ? sendXml(reply, `<Thing name="${escapeXml(name)}"/>`) : { name };
  });
  app.delete('/v1/only-delete', async () => ({}));
};
