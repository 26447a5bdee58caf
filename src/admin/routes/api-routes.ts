// Management API for API proxies (compat §2.1): list, import, validate, create, get and delete; mounts the revision routes.
import { createHash } from 'node:crypto';
import { AdminError, BundleError } from '../../errors.js';
import { toRevisionRecord, type RevisionRecord } from '../../revisions/revision-records.js';
import { toApiView } from '../../revisions/to-api-view.js';
import { toRevisionView } from '../../revisions/to-revision-view.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readBooleanParam, readIntegerParam, readParams } from '../read-params.js';
import { resolveOrganization } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';
import { isJsonRequest, readRequiredUpload } from './api-upload.js';
import { resolveApi } from './revision-lookup.js';
import { revisionFileRoutes } from './revision-file-routes.js';
import { revisionResourceRoutes } from './revision-resource-routes.js';
import { revisionRoutes } from './revision-routes.js';

interface OrgParams { org: string }
interface ApiParams extends OrgParams { api: string }

/** compat §2.1: `count` is at most 100. */
const maxListCount = 100;

function readNameParam(params: Readonly<Record<string, string>>): string {
  const name = params.name;
  if (name === undefined || name === '') throw new AdminError('InvalidParameter', ['name: the API proxy name is required']);
  return name;
}

/** The name of a create request's JSON body `{"name": "x"}` (compat §2.1). */
function readCreateName(body: unknown): string {
  const name = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || name === '') throw new AdminError('InvalidParameter', ['name: expected a JSON body {"name": "<proxy name>"}']);
  return name;
}

/**
 * `action=validate` (compat §2.1, our choice): the record the import would create, numbered like the service
 * numbers (past the highest number ever used), or 400 InvalidBundle listing every problem. Nothing is stored.
 */
async function previewImport(deps: AdminDeps, organization: string, api: string, bytes: Uint8Array, user: string): Promise<RevisionRecord> {
  const { bundle, problems } = await deps.revisions.check({ organization, api, bytes });
  if (problems.length > 0) throw new BundleError(problems);
  const highest = deps.revisions.listRevisions(organization, api).reduce((max, r) => Math.max(max, r.revision), deps.revisions.getApi(organization, api)?.highestRevision ?? 0);
  const now = deps.now();
  return toRevisionRecord({
    organization, api, revision: highest + 1,
    sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.byteLength,
    createdAt: now, createdBy: user, lastModifiedAt: now, lastModifiedBy: user, bundle, problems,
  });
}

/**
 * Reads need READ in the organization; import, create and delete need API_DEFINITION. The permission is checked
 * before the proxy is looked up, so a caller without it cannot learn which proxies exist. Every change is audited,
 * refusals included; `action=validate` changes nothing and is not.
 */
export const apiRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  app.get<{ Params: OrgParams }>('/v1/organizations/:org/apis', async (request) => {
    const { org } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    const params = readParams(request);
    const count = params.count === undefined ? undefined : readIntegerParam(params, 'count', maxListCount);
    if (count !== undefined && (count < 1 || count > maxListCount)) {
      throw new AdminError('InvalidParameter', [`Invalid value for count: expected 1-${maxListCount}, got ${count}`]);
    }
    const { startKey } = params;
    return deps.revisions.listApis(org, { ...(count !== undefined && { count }), ...(startKey !== undefined && { startKey }) }).map((a) => a.name);
  });

  app.post<{ Params: OrgParams }>('/v1/organizations/:org/apis', async (request, reply) => {
    const { org } = request.params;
    resolveOrganization(deps, org);
    const params = readParams(request);
    const action = params.action?.toLowerCase();
    const user = request.principal.user;
    if (action === 'validate') {
      assertPermission(request, 'API_DEFINITION', org);
      const name = readNameParam(params);
      return toRevisionView(await previewImport(deps, org, name, await readRequiredUpload(request, 'bundle'), user));
    }
    if (action === undefined && isJsonRequest(request)) {
      const audit = { organization: org, operation: 'create-api', target: 'apis', successStatus: 201, successTarget: (r: RevisionRecord) => `apis/${r.api}` };
      const record = await withApiAudit(deps, request, audit, async () => {
        assertPermission(request, 'API_DEFINITION', org);
        return deps.revisions.createEmptyApi(org, readCreateName(request.body), user);
      });
      return reply.code(201).send(toRevisionView(record));
    }
    const target = params.name ? `apis/${params.name}` : 'apis';
    const audit = { organization: org, operation: 'import', target, successStatus: 201, successTarget: (r: RevisionRecord) => `apis/${r.api}/revisions/${r.revision}` };
    const record = await withApiAudit(deps, request, audit, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      if (action !== 'import') throw new AdminError('InvalidParameter', [`Invalid value for action: expected import or validate, got ${JSON.stringify(params.action ?? '')}`]);
      const name = readNameParam(params);
      // compat §2.2 rule 4: validate defaults to false so that root-only bundles import.
      const validate = readBooleanParam(params, 'validate', false);
      return deps.revisions.importRevision({ organization: org, api: name, bytes: await readRequiredUpload(request, 'bundle'), user, validate });
    });
    return reply.code(201).send(toRevisionView(record));
  });

  app.get<{ Params: ApiParams }>('/v1/organizations/:org/apis/:api', async (request) => {
    const { org, api } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    return toApiView(resolveApi(deps, org, api), deps.revisions.listRevisions(org, api));
  });

  app.delete<{ Params: ApiParams }>('/v1/organizations/:org/apis/:api', async (request) => {
    const { org, api } = request.params;
    resolveOrganization(deps, org);
    return withApiAudit(deps, request, { organization: org, operation: 'delete-api', target: `apis/${api}` }, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      // Held still so no deploy of this proxy (nor a group naming it) can start between the checks and the delete.
      return deps.deployments.exclusive(() => {
        deps.groups.assertNotMember(org, api);
        return deps.revisions.deleteApi(org, api, request.principal.user);
      });
    });
  });

  revisionRoutes(app, deps);
  revisionFileRoutes(app, deps);
  revisionResourceRoutes(app, deps);
};
