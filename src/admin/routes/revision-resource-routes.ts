// Management API for the resource files of a revision (compat §2.4): `resources/{type}/{name}`, names may hold `/`.
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../../errors.js';
import type { ResourceName } from '../../revisions/find-revision-file.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readParams } from '../read-params.js';
import { resolveOrganization } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';
import { readRequiredUpload } from './api-upload.js';
import { runRevisionChange } from './revision-change.js';
import { parseRevisionParam, resolveRevision } from './revision-lookup.js';

interface RevisionParams { org: string; api: string; rev: string }
/** `*` is the resource name, slashes included. */
interface ResourceParams extends RevisionParams { type: string; '*': string }

const revisionPath = '/v1/organizations/:org/apis/:api/revisions/:rev';
const resourcePath = `${revisionPath}/resourcefiles/:type/*`;

/**
 * Reads need READ, changes API_DEFINITION (checked before any lookup). Changes go through runRevisionChange, like
 * every other per-file change. The type and name are checked by the revision service (safe path, no `/` in type).
 */
export const revisionResourceRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  /** Stores `resources/{type}/{name}`, replacing a file of that name (compat §2.4). */
  const putResource = async (request: FastifyRequest<{ Params: RevisionParams }>, ref: ResourceName, status: number): Promise<ResourceName> => {
    const { org, api, rev } = request.params;
    resolveOrganization(deps, org);
    const target = `apis/${api}/revisions/${rev}/resourcefiles/${ref.type}/${ref.name}`;
    return withApiAudit(deps, request, { organization: org, operation: 'put-resource', target, successStatus: status }, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      const revision = parseRevisionParam(rev);
      const bytes = await readRequiredUpload(request, 'resource file');
      await runRevisionChange(deps, org, api, revision, async (apply) =>
        apply(await deps.revisions.stagePutFile(org, api, revision, { kind: 'resource', ...ref, bytes }, request.principal.user)));
      return { name: ref.name, type: ref.type };
    });
  };

  /** `POST /resources` and `POST /resourcefiles` take `type` and `name` as parameters (unencoded slashes allowed). */
  const postResource = async (request: FastifyRequest<{ Params: RevisionParams }>) => {
    const params = readParams(request);
    return putResource(request, { type: params.type ?? '', name: params.name ?? '' }, 201);
  };
  app.post<{ Params: RevisionParams }>(`${revisionPath}/resources`, async (request, reply) => reply.code(201).send(await postResource(request)));
  app.post<{ Params: RevisionParams }>(`${revisionPath}/resourcefiles`, async (request, reply) => reply.code(201).send(await postResource(request)));

  app.get<{ Params: RevisionParams }>(`${revisionPath}/resourcefiles`, async (request) => {
    const { org, api, rev } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    return { resourceFile: deps.revisions.listFiles(resolveRevision(deps, org, api, parseRevisionParam(rev)), 'resource') };
  });

  app.get<{ Params: ResourceParams }>(resourcePath, async (request, reply) => {
    const { org, api, rev, type } = request.params;
    const name = request.params['*'];
    resolveOrganization(deps, org);
    assertPermission(request, 'READ', org);
    const file = await deps.revisions.getFile(resolveRevision(deps, org, api, parseRevisionParam(rev)), 'resource', name, type);
    if (!file) throw new AdminError('ResourceNotFound', [`resources/${type}/${name}`]);
    return reply.type('application/octet-stream').send(Buffer.from(file.bytes));
  });

  app.put<{ Params: ResourceParams }>(resourcePath, async (request) => putResource(request, { type: request.params.type, name: request.params['*'] }, 200));

  app.delete<{ Params: ResourceParams }>(resourcePath, async (request) => {
    const { org, api, rev, type } = request.params;
    const name = request.params['*'];
    resolveOrganization(deps, org);
    return withApiAudit(deps, request, { organization: org, operation: 'delete-resource', target: `apis/${api}/revisions/${rev}/resourcefiles/${type}/${name}` }, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      const revision = parseRevisionParam(rev);
      await runRevisionChange(deps, org, api, revision, async (apply) =>
        apply(await deps.revisions.stageDeleteFile(org, api, revision, { kind: 'resource', type, name }, request.principal.user)));
      return { name, type };
    });
  });
};
