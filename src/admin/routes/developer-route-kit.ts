// What the developer, app, key and product routes share: audited changes, list views (expand, startKey, count).
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import { assertPermission } from '../assert-permission.js';
import { readBooleanParam, readIntegerParam } from '../read-params.js';
import { resolveOrganization } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';

/** Edge pages developer and product listings with `count` (at most 1000) and `startKey`. */
const maxListCount = 1000;

/**
 * Runs a change that needs API_MANAGEMENT in the organization and records it in the audit trail, refusals included
 * (the permission is checked inside the audited task).
 */
export function runManagementChange<T>(deps: AdminDeps, request: FastifyRequest, organization: string, operation: string, target: string, successStatus: number, task: () => Promise<T>): Promise<T> {
  return withApiAudit(deps, request, { organization, operation, target, successStatus }, async () => {
    resolveOrganization(deps, organization);
    assertPermission(request, 'API_MANAGEMENT', organization);
    return task();
  });
}

/** Reads need READ; the organization is resolved first (404), as on the other routes. */
export function assertReader(deps: AdminDeps, request: FastifyRequest, organization: string): void {
  resolveOrganization(deps, organization);
  assertPermission(request, 'READ', organization);
}

/**
 * Edge's listings, sorted by name: names (or ids) by default; with `expand=true` the entities under `expandKey`.
 * `startKey` (a name) starts the page at that entry, `count` (default and maximum 1000) bounds it.
 */
export function toListing<T>(items: readonly T[], nameOf: (item: T) => string, expandKey: string, params: Readonly<Record<string, string>>): string[] | Record<string, T[]> {
  const expand = readBooleanParam(params, 'expand', false);
  const count = readIntegerParam(params, 'count', maxListCount);
  if (count < 1 || count > maxListCount) throw new AdminError('InvalidParameter', [`Invalid value for count: expected 1-${maxListCount}, got ${count}`]);
  const { startKey } = params;
  const sorted = [...items].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
  // Edge starts the page at startKey, or where it would be when no entry has that name.
  const start = startKey === undefined ? 0 : sorted.findIndex((item) => nameOf(item) >= startKey);
  const page = start === -1 ? [] : sorted.slice(start, start + count);
  return expand ? { [expandKey]: [...page] } : page.map(nameOf);
}
