// Runs one deploy or undeploy call of any form (env-scoped or legacy), checks it, audits it and builds its reply.
import type { FastifyRequest } from 'fastify';
import type { DeploymentRecord } from '../deployments/deployment-records.js';
import type { AdminDeps } from './admin-deps.js';
import { assertPermission } from './assert-permission.js';
import { parseDeployOptions, parseRequiredParam, parseRevisionNumber } from './deployment-params.js';
import { resolveEnvironment } from './resolve-organization.js';
import { toAdminErrorReply } from './to-admin-error-reply.js';
import { toDeploymentJson, toSeamlessDeploymentJson, type DeploymentJson, type SeamlessDeploymentJson } from './to-deployment-json.js';
import { toDeploymentView, toUndeployedView } from './to-deployment-view.js';

export interface DeploymentChange {
  readonly operation: 'deploy' | 'undeploy';
  readonly organization: string;
  readonly api: string;
  /** As sent; undefined when a legacy call left out `env` (400, audited). */
  readonly environment: string | undefined;
  /** As sent; undefined when a legacy call left out `revision` (400, audited). */
  readonly revision: string | undefined;
  /** Query and form parameters (readParams). */
  readonly params: Readonly<Record<string, string>>;
}

type AuditDetails = Record<string, string | number | boolean>;

/** Names as they appear in an audit target: bounded, `?` when missing. */
const toShown = (value: string | undefined): string => (value === undefined ? '?' : value.slice(0, 256));

/**
 * Order of checks: required parameters (400), organization and environment (404), DEPLOY_UNDEPLOY in that
 * environment (403), proxy and revision (404), parameter values (400), then the change itself. Every call after
 * authentication is audited: a failure best-effort (the caller sees the original error), a success strictly,
 * so no change goes unaudited without the caller knowing.
 */
export async function changeDeployment(request: FastifyRequest, deps: AdminDeps, change: DeploymentChange): Promise<DeploymentJson | SeamlessDeploymentJson> {
  const entry = {
    organization: change.organization,
    user: request.principal.user,
    operation: change.operation,
    target: `environments/${toShown(change.environment)}/apis/${toShown(change.api)}/revisions/${toShown(change.revision)}`,
  };
  const details: AuditDetails = {};
  let reply: DeploymentJson | SeamlessDeploymentJson;
  try {
    reply = await runChange(request, deps, change, details);
  } catch (err) {
    const { status, body } = toAdminErrorReply(err, { bodyLimitBytes: deps.config.limits.maxBundleBytes, contentType: request.headers['content-type'] });
    await deps.audit.record({ ...entry, result: 'failure', details: { status, code: body.code, ...details } }).catch((auditErr: unknown) => {
      deps.logger.error({ err: auditErr }, 'recording a failed deployment change in the audit trail failed');
    });
    throw err;
  }
  await deps.audit.record({ ...entry, result: 'success', details: { status: 200, ...details } });
  return reply;
}

async function runChange(request: FastifyRequest, deps: AdminDeps, change: DeploymentChange, details: AuditDetails): Promise<DeploymentJson | SeamlessDeploymentJson> {
  const { organization, api, params } = change;
  const environment = parseRequiredParam(change.environment, 'env');
  const rawRevision = parseRequiredParam(change.revision, 'revision');
  resolveEnvironment(deps, organization, environment);
  assertPermission(request, 'DEPLOY_UNDEPLOY', organization, environment);
  const revision = parseRevisionNumber(deps, organization, api, rawRevision);
  const user = request.principal.user;

  if (change.operation === 'undeploy') {
    // A basepath on undeploy is ignored: a revision is deployed once per environment (compat §3.5). A delay keeps
    // it serving until then; the answer is the undeployed object, with the time in Baton's added field.
    const { delaySeconds } = parseDeployOptions({ ...(params.delay === undefined ? {} : { delay: params.delay }) });
    const record = await deps.deployments.undeploy({ organization, environment, api, revision, user, delaySeconds });
    details.basePath = record.basePath;
    if (delaySeconds > 0) details.delay = delaySeconds;
    const json = toDeploymentJson(toUndeployedView(record));
    return record.undeployAt === undefined ? json : { ...json, baton: { undeployAt: record.undeployAt } };
  }

  const options = parseDeployOptions(params);
  Object.assign(details, { basePath: options.basePath, override: options.override, delay: options.delaySeconds });
  const result = await deps.deployments.deploy({ organization, environment, api, revision, user, ...options });
  const nowMs = deps.now();
  const inspect = deps.deployments.inspect;
  const deployed = toDeploymentView(result.deployed, inspect, nowMs);
  const reply = result.replaced.length === 0
    ? toDeploymentJson(deployed)
    : toSeamlessDeploymentJson(deployed, result.replaced.map((record) => toDeploymentView(record, inspect, nowMs)));
  if (result.leftovers.length === 0) return reply;
  // Leftover revisions (compat §3.4 step 4): the Apigee shape is unchanged; Baton adds a warning beside it.
  details.leftovers = result.leftovers.map((r) => r.revision).join(',');
  return { ...reply, baton: { ...('baton' in reply ? reply.baton : {}), ...toLeftoverWarning(result.deployed, result.leftovers) } };
}

/** The warning a deploy that leaves other revisions serving carries. */
function toLeftoverWarning(deployed: DeploymentRecord, leftovers: readonly DeploymentRecord[]): { leftoverRevisions: LeftoverJson[]; warning: string } {
  const list = leftovers.map((r) => `revision ${r.revision} at ${r.basePath}`).join(', ');
  return {
    leftoverRevisions: leftovers.map((r) => ({ revision: String(r.revision), basePath: r.basePath, environment: r.environment })),
    warning: `${list} of ${deployed.api} stayed deployed in ${deployed.environment}: a deploy replaces only revisions at the same base path (revision ${deployed.revision} is at ${deployed.basePath}). Undeploy them if they should not serve.`,
  };
}

interface LeftoverJson {
  readonly revision: string;
  readonly basePath: string;
  readonly environment: string;
}
