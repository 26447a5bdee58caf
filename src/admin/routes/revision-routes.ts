// Management API for the revisions of an API proxy (compat §2.1): list, get or export, update in place, delete.
import { AdminError } from '../../errors.js';
import { toRevisionView } from '../../revisions/to-revision-view.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readBooleanParam, readParams } from '../read-params.js';
import { resolveOrganization } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';
import { readRequiredUpload } from './api-upload.js';
import { runRevisionChange } from './revision-change.js';
import { parseRevisionParam, resolveApi, resolveRevision } from './revision-lookup.js';

interface ApiParams { org: string; api: string }
interface RevisionParams extends ApiParams { rev: string }

const revisionPath = '/v1/organizations/:org/apis/:api/revisions/:rev';

/** `format` of `GET …/revisions/{rev}`: the JSON view (absent or `json`) or the stored zip (`bundle`). */
function readFormat(params: Readonly<Record<string, string>>): 'json' | 'bundle' {
  const format = (params.format ?? 'json').toLowerCase();
  if (format === 'json' || format === 'bundle') return format;
  throw new AdminError('InvalidParameter', [`Invalid value for format: expected bundle, got ${JSON.stringify(params.format)}`]);
}

/**
 * Reads need READ, changes API_DEFINITION (checked before any lookup). An update runs through runRevisionChange so
 * a deployed revision serves the new content on its next request; deletes run with deployments held still so the
 * "not deployed" check stays true until the delete is stored.
 */
export const revisionRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  app.get<{ Params: ApiParams }>('/v1/organizations/:org/apis/:api/revisions', async (request) => {
    const { org, api } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    resolveApi(deps, org, api);
    return deps.revisions.listRevisions(org, api).map((r) => String(r.revision));
  });

  app.get<{ Params: RevisionParams }>(revisionPath, async (request, reply) => {
    const { org, api } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    const format = readFormat(readParams(request));
    const record = resolveRevision(deps, org, api, parseRevisionParam(request.params.rev));
    if (format === 'json') return toRevisionView(record);
    const zip = await deps.revisions.exportRevision(record);
    // The API name is [A-Za-z0-9._-] (compat §1.5): safe inside the quoted filename.
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="${api}_rev${record.revision}.zip"`)
      .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
  });

  app.post<{ Params: RevisionParams }>(revisionPath, async (request) => {
    const { org, api, rev } = request.params;
    resolveOrganization(deps, org);
    const user = request.principal.user;
    return withApiAudit(deps, request, { organization: org, operation: 'update-revision', target: `apis/${api}/revisions/${rev}` }, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      const revision = parseRevisionParam(rev);
      const validate = readBooleanParam(readParams(request), 'validate', false);
      // Read before queueing behind other deployment changes: a slow upload must not hold them up.
      const zip = await readRequiredUpload(request, 'bundle');
      const record = await runRevisionChange(deps, org, api, revision, async (apply) =>
        apply(await deps.revisions.stageReplace(org, api, revision, zip, user, { validate })));
      return toRevisionView(record);
    });
  });

  app.delete<{ Params: RevisionParams }>(revisionPath, async (request) => {
    const { org, api, rev } = request.params;
    resolveOrganization(deps, org);
    return withApiAudit(deps, request, { organization: org, operation: 'delete-revision', target: `apis/${api}/revisions/${rev}` }, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      const revision = parseRevisionParam(rev);
      const record = await deps.deployments.exclusive(() => {
        deps.groups.assertNotMember(org, api, revision);
        return deps.revisions.deleteRevision(org, api, revision, request.principal.user);
      });
      return toRevisionView(record);
    });
  });
};
