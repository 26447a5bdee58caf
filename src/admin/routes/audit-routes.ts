// Management API of the audit trail (Edge `/v1/audits/organizations/{org}`), plus Baton's trail of users and tokens.
import type { FastifyRequest } from 'fastify';
import { globalAuditOrganization, type AuditEntry } from '../../audit/audit-log.js';
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readIntegerParam, readParams } from '../read-params.js';
import { resolveOrganization } from '../resolve-organization.js';
import { invalid } from './read-json-body.js';

interface OrgParams { org: string }

/** Most records one reply holds (and the default); narrow the time range to see older ones. */
const maxAuditRecords = 1000;

interface AuditQuery {
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
}

/** `startTime` and `endTime`: epoch ms, inclusive, either optional; `limit`: 1-1000. 400 naming the parameter otherwise. */
function readAuditQuery(request: FastifyRequest): AuditQuery {
  const params = readParams(request);
  const from = params.startTime === undefined ? undefined : readIntegerParam(params, 'startTime', 0);
  const to = params.endTime === undefined ? undefined : readIntegerParam(params, 'endTime', 0);
  const limit = readIntegerParam(params, 'limit', maxAuditRecords);
  if (from !== undefined && from < 0) throw invalid('Invalid value for startTime: expected epoch milliseconds');
  if (to !== undefined && to < 0) throw invalid('Invalid value for endTime: expected epoch milliseconds');
  if (from !== undefined && to !== undefined && from > to) throw invalid('startTime must not be after endTime');
  if (limit < 1 || limit > maxAuditRecords) throw invalid(`Invalid value for limit: expected an integer 1-${maxAuditRecords}`);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), limit };
}

/**
 * Edge's management URI of what an entry changed: targets of users and roles are absolute (`users/…`,
 * `organizations/…`), the others are relative to their organization (`apis/orders/revisions/3`).
 */
function toRequestUri(entry: AuditEntry): string {
  const absolute = entry.organization === globalAuditOrganization || entry.target.startsWith('organizations/') || entry.target.startsWith('users/');
  return absolute ? `/v1/${entry.target}` : `/v1/organizations/${entry.organization}/${entry.target}`;
}

/**
 * Edge's record fields (`timeStamp`, `user`, `operation`, `requestUri`, and `responseCode` when the entry knows
 * the status: failures do), then Baton's own (`organization`, `target`, `result`, `details`). `operation` is
 * Baton's verb (`create-user`, `deploy` …), not Edge's CREATE/UPDATE/DELETE, which says less.
 */
function toAuditRecord(entry: AuditEntry) {
  const status = entry.details?.status;
  return {
    timeStamp: entry.time,
    user: entry.user,
    operation: entry.operation,
    requestUri: toRequestUri(entry),
    ...(typeof status === 'number' ? { responseCode: String(status) } : {}),
    organization: entry.organization,
    target: entry.target,
    result: entry.result,
    ...(entry.details ? { details: { ...entry.details } } : {}),
  };
}

/** Edge's envelope `{"auditRecord": […], "totalRecords": n}`, newest first (not a bare array: Edge clients read `auditRecord`). */
function toAuditJson(entries: readonly AuditEntry[]) {
  return { auditRecord: entries.map(toAuditRecord), totalRecords: entries.length };
}

/**
 * Audit trails are sensitive (who did what, when, to which account), so reading one needs ADMIN, not READ:
 * ADMIN of the organization for its trail; ADMIN of every organization for the trail of users and tokens
 * (`/v1/audits/users`), since accounts are global and hold roles anywhere.
 */
export const auditRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  app.get<{ Params: OrgParams }>('/v1/audits/organizations/:org', async (request) => {
    const organization = resolveOrganization(deps, request.params.org);
    assertPermission(request, 'ADMIN', organization.name);
    return toAuditJson(deps.audit.list(organization.name, readAuditQuery(request)));
  });

  app.get('/v1/audits/users', async (request) => {
    const principal = request.principal;
    if (!principal.isAdmin || !deps.config.organizations.every((organization) => principal.has('ADMIN', organization.name))) {
      throw new AdminError('Forbidden', [principal.user, 'ADMIN']);
    }
    return toAuditJson(deps.audit.list(globalAuditOrganization, readAuditQuery(request)));
  });
};
