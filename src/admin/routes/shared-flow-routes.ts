// Management API for shared flows (Edge shapes): import, list, get, delete, revisions, export, deploy, undeploy, deployments.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AdminError, BundleError } from '../../errors.js';
import { toSharedFlowRevisionRecord, type SharedFlowRevisionRecord } from '../../sharedflows/shared-flow-records.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readBooleanParam, readParams } from '../read-params.js';
import { resolveEnvironment, resolveOrganization } from '../resolve-organization.js';
import {
  toEnvironmentSharedFlowDeploymentsJson, toRevisionSharedFlowDeploymentsJson, toSharedFlowDeploymentJson, toSharedFlowDeploymentsJson,
  toSharedFlowRevisionView, toSharedFlowView,
} from '../to-shared-flow-json.js';
import { withApiAudit } from './api-audit.js';
import { readRequiredUpload } from './api-upload.js';
import { parseRevisionParam } from './revision-lookup.js';

interface OrgParams { org: string }
interface NameParams extends OrgParams { name: string }
interface RevisionParams extends NameParams { rev: string }
interface EnvNameParams extends NameParams { env: string }
interface EnvRevisionParams extends EnvNameParams { rev: string }

const revisionPath = '/v1/organizations/:org/sharedflows/:name/revisions/:rev';
const deploymentPath = '/v1/organizations/:org/environments/:env/sharedflows/:name/revisions/:rev/deployments';

/** 404 SharedFlowDoesNotExist, then (for a revision) SharedFlowRevisionDoesNotExist. */
function resolveRevision(deps: AdminDeps, organization: string, name: string, rawRevision: string): SharedFlowRevisionRecord {
  if (!deps.sharedFlows.getSharedFlow(organization, name)) throw new AdminError('SharedFlowDoesNotExist', [name, organization]);
  const revision = parseRevisionParam(rawRevision);
  const record = deps.sharedFlows.getRevision(organization, name, revision);
  if (!record) throw new AdminError('SharedFlowRevisionDoesNotExist', [revision, name, organization]);
  return record;
}

function assertSharedFlowExists(deps: AdminDeps, organization: string, name: string): void {
  if (!deps.sharedFlows.getSharedFlow(organization, name)) throw new AdminError('SharedFlowDoesNotExist', [name, organization]);
}

/** `action=validate`: the record an import would create, or 400 InvalidBundle listing every problem; nothing is stored. */
async function previewImport(deps: AdminDeps, organization: string, name: string, bytes: Uint8Array, user: string): Promise<SharedFlowRevisionRecord> {
  const { bundle, problems } = await deps.sharedFlows.check(organization, name, bytes);
  if (problems.length > 0) throw new BundleError(problems);
  const highest = deps.sharedFlows.listRevisions(organization, name).reduce((max, r) => Math.max(max, r.revision), deps.sharedFlows.getSharedFlow(organization, name)?.highestRevision ?? 0);
  const now = deps.now();
  return toSharedFlowRevisionRecord({
    organization, name, revision: highest + 1, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.byteLength,
    createdAt: now, createdBy: user, problems,
  }, bundle);
}

/**
 * Reads need READ in the organization (or environment); import and delete API_DEFINITION; deploy and undeploy
 * DEPLOY_UNDEPLOY in the environment. Every change is audited, refusals included.
 */
export const sharedFlowRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const readOrg = (request: FastifyRequest<{ Params: OrgParams }>): string => {
    resolveOrganization(deps, request.params.org);
    assertPermission(request, 'READ', request.params.org);
    return request.params.org;
  };

  app.get<{ Params: OrgParams }>('/v1/organizations/:org/sharedflows', async (request) => deps.sharedFlows.listSharedFlows(readOrg(request)).map((f) => f.name));

  app.post<{ Params: OrgParams }>('/v1/organizations/:org/sharedflows', async (request, reply) => {
    const { org } = request.params;
    resolveOrganization(deps, org);
    const params = readParams(request);
    const action = params.action?.toLowerCase();
    const user = request.principal.user;
    const readName = (): string => {
      if (!params.name) throw new AdminError('InvalidParameter', ['name: the shared flow name is required']);
      return params.name;
    };
    if (action === 'validate') {
      assertPermission(request, 'API_DEFINITION', org);
      return toSharedFlowRevisionView(await previewImport(deps, org, readName(), await readRequiredUpload(request, 'bundle'), user));
    }
    const audit = {
      organization: org, operation: 'import-sharedflow', target: params.name ? `sharedflows/${params.name}` : 'sharedflows', successStatus: 201,
      successTarget: (r: SharedFlowRevisionRecord) => `sharedflows/${r.name}/revisions/${r.revision}`,
    };
    const record = await withApiAudit(deps, request, audit, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      if (action !== 'import') throw new AdminError('InvalidParameter', [`Invalid value for action: expected import or validate, got ${JSON.stringify(params.action ?? '')}`]);
      const name = readName();
      const validate = readBooleanParam(params, 'validate', false);
      return deps.sharedFlows.importRevision({ organization: org, name, bytes: await readRequiredUpload(request, 'bundle'), user, validate });
    });
    return reply.code(201).send(toSharedFlowRevisionView(record));
  });

  app.get<{ Params: NameParams }>('/v1/organizations/:org/sharedflows/:name', async (request) => {
    const org = readOrg(request);
    const record = deps.sharedFlows.getSharedFlow(org, request.params.name);
    if (!record) throw new AdminError('SharedFlowDoesNotExist', [request.params.name, org]);
    return toSharedFlowView(record, deps.sharedFlows.listRevisions(org, record.name));
  });

  app.delete<{ Params: NameParams }>('/v1/organizations/:org/sharedflows/:name', async (request) => {
    const { org, name } = request.params;
    resolveOrganization(deps, org);
    return withApiAudit(deps, request, { organization: org, operation: 'delete-sharedflow', target: `sharedflows/${name}` }, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      const deleted = await deps.sharedFlows.deleteSharedFlow(org, name);
      return toSharedFlowView(deleted.sharedFlow, deleted.revisions);
    });
  });

  app.get<{ Params: NameParams }>('/v1/organizations/:org/sharedflows/:name/revisions', async (request) => {
    const org = readOrg(request);
    assertSharedFlowExists(deps, org, request.params.name);
    return deps.sharedFlows.listRevisions(org, request.params.name).map((r) => String(r.revision));
  });

  app.get<{ Params: RevisionParams }>(revisionPath, async (request, reply) => {
    const org = readOrg(request);
    const format = (readParams(request).format ?? 'json').toLowerCase();
    if (format !== 'json' && format !== 'bundle') throw new AdminError('InvalidParameter', [`Invalid value for format: expected bundle, got ${JSON.stringify(format)}`]);
    const record = resolveRevision(deps, org, request.params.name, request.params.rev);
    if (format === 'json') return toSharedFlowRevisionView(record);
    const zip = await deps.sharedFlows.exportRevision(record);
    // Shared flow names are [A-Za-z0-9._-]: safe inside the quoted filename.
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="${record.name}_rev${record.revision}.zip"`)
      .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
  });

  app.delete<{ Params: RevisionParams }>(revisionPath, async (request) => {
    const { org, name, rev } = request.params;
    resolveOrganization(deps, org);
    return withApiAudit(deps, request, { organization: org, operation: 'delete-sharedflow-revision', target: `sharedflows/${name}/revisions/${rev}` }, async () => {
      assertPermission(request, 'API_DEFINITION', org);
      return toSharedFlowRevisionView(await deps.sharedFlows.deleteRevision(org, name, parseRevisionParam(rev), request.principal.user));
    });
  });

  app.post<{ Params: EnvRevisionParams }>(deploymentPath, async (request) => {
    const { org, env, name, rev } = request.params;
    const params = readParams(request);
    return withApiAudit(deps, request, { organization: org, operation: 'deploy-sharedflow', target: `environments/${env}/sharedflows/${name}/revisions/${rev}` }, async () => {
      resolveEnvironment(deps, org, env);
      assertPermission(request, 'DEPLOY_UNDEPLOY', org, env);
      if (params.action !== undefined && params.action.toLowerCase() !== 'deploy') {
        throw new AdminError('InvalidParameter', [`Invalid value for action: expected deploy, got ${JSON.stringify(params.action)}`]);
      }
      const record = resolveRevision(deps, org, name, rev);
      // An empty value counts as absent, as for proxies (templated scripts); `delay` is accepted and has nothing to delay.
      const override = params.override === undefined || params.override === '' ? false : readBooleanParam(params, 'override', false);
      const result = await deps.sharedFlows.deploy({ organization: org, environment: env, name, revision: record.revision, override, user: request.principal.user });
      return toSharedFlowDeploymentJson(result.deployed, 'deployed');
    });
  });

  app.delete<{ Params: EnvRevisionParams }>(deploymentPath, async (request) => {
    const { org, env, name, rev } = request.params;
    return withApiAudit(deps, request, { organization: org, operation: 'undeploy-sharedflow', target: `environments/${env}/sharedflows/${name}/revisions/${rev}` }, async () => {
      resolveEnvironment(deps, org, env);
      assertPermission(request, 'DEPLOY_UNDEPLOY', org, env);
      const record = resolveRevision(deps, org, name, rev);
      const undeployed = await deps.sharedFlows.undeploy({ organization: org, environment: env, name, revision: record.revision, user: request.principal.user });
      return toSharedFlowDeploymentJson(undeployed, 'undeployed');
    });
  });

  app.get<{ Params: EnvRevisionParams }>(deploymentPath, async (request) => {
    const { org, env, name, rev } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    const record = resolveRevision(deps, org, name, rev);
    const deployed = deps.sharedFlows.listDeployments(org, { environment: env, name }).find((d) => d.revision === record.revision);
    if (!deployed) throw new AdminError('RevisionNotDeployed', [record.revision, name, env]);
    return toSharedFlowDeploymentJson(deployed, 'deployed');
  });

  app.get<{ Params: EnvNameParams }>('/v1/organizations/:org/environments/:env/sharedflows/:name/deployments', async (request) => {
    const { org, env, name } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    assertSharedFlowExists(deps, org, name);
    const deployed = deps.sharedFlows.listDeployments(org, { environment: env, name })[0];
    if (!deployed) throw new AdminError('ApplicationNotDeployed', [name, env]);
    return toEnvironmentSharedFlowDeploymentsJson(deployed);
  });

  app.get<{ Params: NameParams }>('/v1/organizations/:org/sharedflows/:name/deployments', async (request) => {
    const org = readOrg(request);
    assertSharedFlowExists(deps, org, request.params.name);
    return toSharedFlowDeploymentsJson(org, request.params.name, deps.sharedFlows.listDeployments(org, { name: request.params.name }));
  });

  app.get<{ Params: RevisionParams }>(`${revisionPath}/deployments`, async (request) => {
    const org = readOrg(request);
    const record = resolveRevision(deps, org, request.params.name, request.params.rev);
    const records = deps.sharedFlows.listDeployments(org, { name: record.name }).filter((d) => d.revision === record.revision);
    return toRevisionSharedFlowDeploymentsJson(org, record.name, record.revision, records);
  });
};
