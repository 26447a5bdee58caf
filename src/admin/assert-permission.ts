// Refuses a management request whose caller lacks a permission in an organization or environment.
import type { FastifyRequest } from 'fastify';
import type { Permission } from '../access/principal.js';
import { AdminError } from '../errors.js';

/** Throws 403 Forbidden naming the user and the permission. */
export function assertPermission(request: FastifyRequest, permission: Permission, organization: string, environment?: string): void {
  const principal = request.principal as FastifyRequest['principal'] | null;
  if (principal?.has(permission, organization, environment)) return;
  throw new AdminError('Forbidden', [principal?.user ?? 'anonymous', permission]);
}
