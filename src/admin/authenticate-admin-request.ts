// Authenticates a management request and attaches its Principal (compat §1.4, reliability-security §3.10).
import type { FastifyRequest } from 'fastify';
import type { AccessService } from '../access/access-service.js';
import type { Principal } from '../access/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every management route before its handler runs; null only on the public health routes. */
    principal: Principal;
  }
}

/** Routes answered without credentials: probes and metrics scrapes. Matched on the registered pattern. */
export const publicAdminPaths: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** Throws the AccessService's AdminError (401, 400 or 429) when the credentials do not hold. */
export async function authenticateAdminRequest(request: FastifyRequest, access: AccessService): Promise<void> {
  const pattern = request.routeOptions.url;
  if (pattern !== undefined && publicAdminPaths.has(pattern)) return;
  request.principal = await access.authenticate(request.headers.authorization, request.ip);
}
