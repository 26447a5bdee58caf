// The admin port's HTTP server (fastify): health and readiness now; the management API registers its routes here.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

export interface Readiness {
  readonly ready: boolean;
  /** Why the gateway is not ready or is degraded (store problems, deployments that could not be restored). */
  readonly problems: readonly string[];
}

export interface AdminServerOptions {
  readonly host: string;
  readonly port: number;
  readonly readiness: () => Readiness;
  /** Largest request body accepted (bundles are limited to 15 MB, compat §2.2 rule 7). */
  readonly bodyLimitBytes: number;
}

export interface AdminServer {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

export async function createAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes, routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true } });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = options.readiness();
    const status = !readiness.ready ? 'starting' : readiness.problems.length > 0 ? 'degraded' : 'ready';
    return reply.code(readiness.ready ? 200 : 503).send({ status, problems: readiness.problems });
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { app, url: `http://${host}:${address.port}`, close: () => app.close() };
}
