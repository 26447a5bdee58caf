// The admin port's HTTP server (fastify): health, readiness and the Edge v1-compatible management API core.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Principal } from '../access/principal.js';
import { AdminError } from '../errors.js';
import type { AdminDeps } from './admin-deps.js';
import type { AdminRoutes } from './admin-routes.js';
import { authenticateAdminRequest, publicAdminPaths } from './authenticate-admin-request.js';
import { registerBodyParsers } from './register-body-parsers.js';
import { RouteIndex } from './route-index.js';
import { handleClientError, sendAdminError } from './send-admin-error.js';
import { toCanonicalAdminUrl } from './to-canonical-admin-url.js';

export interface Readiness {
  readonly ready: boolean;
  /** Why it is not ready: still restoring deployments and opening listeners, or shutting down. */
  readonly phase?: 'starting' | 'ready' | 'stopping';
  /** Why the gateway is degraded (store problems, deployments that could not be restored). */
  readonly problems: readonly string[];
}

export interface AdminServerOptions {
  readonly host: string;
  readonly port: number;
  readonly readiness: () => Readiness;
  /** Largest request body accepted (bundles are limited to 15 MB, compat §2.2 rule 7). */
  readonly bodyLimitBytes: number;
  readonly deps: AdminDeps;
  /** Route modules, registered in order, each once, in the long path form. */
  readonly routes: readonly AdminRoutes[];
}

export interface AdminServer {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/** Longest path parameter routed (find-my-way's guard against pathological paths); longer ones are 404. */
const maxParamLength = 255;

/**
 * Every non-2xx reply is the Apigee error body (sendAdminError), every route except the public ones needs
 * credentials, and no CORS header is ever sent (reliability-security §3.10): a browser page cannot call this API.
 */
export async function createAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { deps, bodyLimitBytes } = options;
  const errorOptions = { bodyLimitBytes, logger: deps.logger };
  const routeIndex = new RouteIndex({ maxParamLength });
  const { timeouts } = deps.config;
  const app = Fastify({
    logger: false,
    bodyLimit: bodyLimitBytes,
    // The data plane's client timeouts apply here too: slow headers and slow uploads (reliability-security §3.9).
    http: { headersTimeout: timeouts.headersTimeoutMs, requestTimeout: timeouts.requestTimeoutMs },
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    routerOptions: { maxParamLength },
    // Routes are registered once, in the long form; every spelling clients use is rewritten to it (compat §1.1).
    rewriteUrl: (req) => toCanonicalAdminUrl(req.url ?? '/'),
    clientErrorHandler: handleClientError,
    frameworkErrors: (err, _request, reply) => sendAdminError(reply, err, errorOptions),
  });
  app.addHook('onRoute', (route) => routeIndex.add(route.method, route.url));
  // Typed as always set: the onRequest hook sets it before any non-public handler runs.
  app.decorateRequest('principal', null as unknown as Principal);
  registerBodyParsers(app, bodyLimitBytes);
  // While starting, only probes and scrapes are answered: a management change must not race the restore of deployments.
  app.addHook('onRequest', async (request) => {
    if (options.readiness().phase === 'starting' && !publicAdminPaths.has(request.routeOptions.url ?? '')) throw new AdminError('GatewayStarting');
  });
  app.addHook('onRequest', async (request) => authenticateAdminRequest(request, deps.access));
  app.setErrorHandler((err, _request, reply) => sendAdminError(reply, err, errorOptions));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    const allowed = routeIndex.allowedMethods(path);
    if (allowed === undefined) return sendAdminError(reply, new AdminError('ResourceNotFound', [path]), errorOptions);
    reply.header('allow', allowed.join(', '));
    return sendAdminError(reply, new AdminError('MethodNotAllowed', [request.method, path]), errorOptions);
  });

  // Liveness: the process answers. Readiness: 503 while starting or stopping; 200 `degraded` with the problems when
  // the store reported damage or a stored deployment could not be restored (it serves what is intact).
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = options.readiness();
    const status = !readiness.ready ? (readiness.phase === 'stopping' ? 'stopping' : 'starting') : readiness.problems.length > 0 ? 'degraded' : 'ready';
    return reply.code(readiness.ready ? 200 : 503).send({ status, problems: readiness.problems });
  });
  for (const routes of options.routes) routes(app, deps);

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { app, url: `http://${host}:${address.port}`, close: () => app.close() };
}
