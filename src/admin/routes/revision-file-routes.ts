// Management API for the policies, ProxyEndpoints and TargetEndpoints of a revision, file by file (compat §2.4).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProxyBundle } from '../../bundle/proxy-bundle.js';
import { AdminError } from '../../errors.js';
import { findRevisionFile, type RevisionFileOf } from '../../revisions/find-revision-file.js';
import { toProxyEndpointView, toTargetEndpointView } from '../../revisions/to-endpoint-view.js';
import { toPolicyView } from '../../revisions/to-policy-view.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readParams } from '../read-params.js';
import { resolveOrganization } from '../resolve-organization.js';
import { wantsXml } from '../send-xml.js';
import { withApiAudit } from './api-audit.js';
import { readXmlUpload } from './api-upload.js';
import { runRevisionChange } from './revision-change.js';
import { parseRevisionParam, resolveRevision } from './revision-lookup.js';

type XmlKind = 'policy' | 'proxy' | 'target';
type XmlFile = RevisionFileOf<XmlKind>;

interface RevisionParams { org: string; api: string; rev: string }
interface FileParams extends RevisionParams { name: string }

const revisionPath = '/v1/organizations/:org/apis/:api/revisions/:rev';
const xmlKinds: ReadonlyArray<{ kind: XmlKind; folder: string }> = [
  { kind: 'policy', folder: 'policies' },
  { kind: 'proxy', folder: 'proxies' },
  { kind: 'target', folder: 'targets' },
];

/** compat §2.5.3: an endpoint naming no VirtualHost is bound to every one, so list those of the organization. */
function listVirtualHosts(deps: AdminDeps, organization: string): string[] {
  const names = resolveOrganization(deps, organization).environments.flatMap((e) => e.virtualHosts.map((v) => v.name));
  return [...new Set(names)];
}

/** The JSON view, or the stored file when the client asks for XML alone (compat §1.3). */
function sendFile(deps: AdminDeps, request: FastifyRequest<{ Params: RevisionParams }>, reply: FastifyReply, file: XmlFile): FastifyReply {
  if (wantsXml(request)) return reply.type('application/xml').send(Buffer.from(file.bytes));
  switch (file.kind) {
    case 'policy':
      return reply.send(toPolicyView(file.parsed));
    case 'proxy':
      return reply.send(toProxyEndpointView(file.parsed, listVirtualHosts(deps, request.params.org)));
    case 'target':
      return reply.send(toTargetEndpointView(file.parsed));
  }
}

/**
 * The file an upload was stored as: the one holding its bytes. It is unique, since an upload replaces every file
 * declaring the same name, and identical bytes declare the same name.
 */
function findUploadedFile(bundle: ProxyBundle, kind: XmlKind, bytes: Uint8Array): XmlFile {
  const items: ReadonlyArray<{ readonly name: string; readonly file: string }> =
    kind === 'policy' ? bundle.policies : kind === 'proxy' ? bundle.proxyEndpoints : bundle.targetEndpoints;
  const item = items.find((i) => {
    const stored = bundle.files.get(i.file);
    return stored !== undefined && Buffer.compare(stored, bytes) === 0;
  });
  const found = item && findRevisionFile(bundle, { kind, name: item.name });
  if (!found) throw new Error(`the uploaded ${kind} is missing from the revision it was stored in`);
  return found;
}

/**
 * Reads need READ, uploads and deletes API_DEFINITION (checked before any lookup). Every change goes through
 * runRevisionChange: concurrent uploads to one revision are serialized and none is lost (compat §2.4), and a
 * deployed revision serves the change on its next request.
 */
export const revisionFileRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  for (const { kind, folder } of xmlKinds) {
    const listPath = `${revisionPath}/${folder}`;
    const filePath = `${listPath}/:name`;

    app.get<{ Params: RevisionParams }>(listPath, async (request) => {
      const { org, api, rev } = request.params;
      resolveOrganization(deps, org);
      assertPermission(request, 'READ', org);
      return deps.revisions.listFiles(resolveRevision(deps, org, api, parseRevisionParam(rev)), kind);
    });

    app.get<{ Params: FileParams }>(filePath, async (request, reply) => {
      const { org, api, rev, name } = request.params;
      resolveOrganization(deps, org);
      assertPermission(request, 'READ', org);
      const record = resolveRevision(deps, org, api, parseRevisionParam(rev));
      const file = await deps.revisions.getFile(record, kind, name);
      if (!file) throw new AdminError('ResourceNotFound', [`${folder}/${name}`]);
      return sendFile(deps, request, reply, file);
    });

    // compat §2.4: a policy is named by its root's name attribute; endpoints by `?name=`, else their attribute.
    app.post<{ Params: RevisionParams }>(listPath, async (request, reply) => {
      const { org, api, rev } = request.params;
      resolveOrganization(deps, org);
      const name = readParams(request).name ?? '';
      const target = `apis/${api}/revisions/${rev}/${folder}`;
      const audit = { organization: org, operation: `put-${kind}`, target, successStatus: 201, successTarget: (f: XmlFile) => `${target}/${f.name}` };
      const file = await withApiAudit(deps, request, audit, async () => {
        assertPermission(request, 'API_DEFINITION', org);
        const revision = parseRevisionParam(rev);
        const bytes = readXmlUpload(request);
        return runRevisionChange(deps, org, api, revision, async (apply) => {
          const staged = await deps.revisions.stagePutFile(org, api, revision, { kind, name, bytes }, request.principal.user);
          await apply(staged);
          return findUploadedFile(staged.bundle, kind, bytes);
        });
      });
      return sendFile(deps, request, reply.code(201), file);
    });

    app.delete<{ Params: FileParams }>(filePath, async (request, reply) => {
      const { org, api, rev, name } = request.params;
      resolveOrganization(deps, org);
      const file = await withApiAudit(deps, request, { organization: org, operation: `delete-${kind}`, target: `apis/${api}/revisions/${rev}/${folder}/${name}` }, async () => {
        assertPermission(request, 'API_DEFINITION', org);
        const revision = parseRevisionParam(rev);
        return runRevisionChange(deps, org, api, revision, async (apply) => {
          // Read inside the lock, so the reply shows exactly what was deleted.
          const found = await deps.revisions.getFile(resolveRevision(deps, org, api, revision), kind, name);
          if (!found) throw new AdminError('ResourceNotFound', [`${folder}/${name}`]);
          await apply(await deps.revisions.stageDeleteFile(org, api, revision, { kind, name }, request.principal.user));
          return found;
        });
      });
      return sendFile(deps, request, reply, file);
    });
  }

  // compat §2.4: Node.js targets are not supported; tooling still calls this after uploading, so it succeeds.
  app.post<{ Params: RevisionParams }>(`${revisionPath}/npm`, async (request) => {
    const { org, api, rev } = request.params;
    resolveOrganization(deps, org);
    assertPermission(request, 'API_DEFINITION', org);
    resolveRevision(deps, org, api, parseRevisionParam(rev));
    return {};
  });
};
