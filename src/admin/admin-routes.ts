// The shape of a management-API route module: gateway.ts lists them and createAdminServer registers each once.
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from './admin-deps.js';

/**
 * Registers routes in their long form only (`/v1/organizations/:org/environments/:env/…`): the server rewrites
 * `/o/`, `/e/`, `//` and a trailing `/` to that form before routing (compat §1.1).
 */
export type AdminRoutes = (app: FastifyInstance, deps: AdminDeps) => void;
