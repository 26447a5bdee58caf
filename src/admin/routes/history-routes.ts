// Management API of an environment's deploy history: list and read records, mark them persistent, roll back to one.
import type { FastifyRequest } from 'fastify';
import type { DeploymentRecord } from '../../deployments/deployment-records.js';
import { AdminError } from '../../errors.js';
import { isHistoryId } from '../../history/create-history-id-source.js';
import { deployHistoryKinds, isDeployHistoryKind, type DeployHistoryKind, type DeployHistoryRecord } from '../../history/deploy-history-record.js';
import { maxHistoryPageCount } from '../../history/deploy-history.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { parseDeployOptions } from '../deployment-params.js';
import { readBooleanParam, readIntegerParam, readParams } from '../read-params.js';
import { isFormContentType } from '../register-body-parsers.js';
import { resolveEnvironment } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';
import { invalid, readJsonBody, readOptionalString, type JsonFields } from './read-json-body.js';

interface EnvironmentParams { org: string; env: string }
interface RecordParams extends EnvironmentParams { id: string }

const historyPath = '/v1/organizations/:org/environments/:env/deployhistory';
const maxDescriptionLength = 1024;

interface DeploymentResultJson {
  readonly success: true;
  readonly message: string;
  readonly deployed: readonly DeploymentStateJson[];
  readonly undeployed: readonly DeploymentStateJson[];
  readonly unchanged: readonly DeploymentStateJson[];
}

interface DeploymentStateJson {
  readonly api: string;
  readonly revision: number;
  readonly basePath: string;
  /** When a delay keeps an undeployed revision's in-flight requests until then (epoch ms). */
  readonly undeployAt?: number;
}

function toStateJson(record: DeploymentRecord): DeploymentStateJson {
  return { api: record.api, revision: record.revision, basePath: record.basePath, ...(record.undeployAt === undefined ? {} : { undeployAt: record.undeployAt }) };
}

/** JSON fields of the body; a form body's fields are read with the query string instead (readParams). */
function readBodyFields(request: FastifyRequest): JsonFields {
  return isFormContentType(request.headers['content-type']) ? Object.create(null) as JsonFields : readJsonBody(request);
}

/** A JSON boolean, or the parameter `true`/`false`; undefined when neither is given. */
function readPersistent(fields: JsonFields, params: Readonly<Record<string, string>>): boolean | undefined {
  const value = fields.persistent;
  if (value !== undefined) {
    if (typeof value !== 'boolean') throw invalid('persistent: expected true or false');
    return value;
  }
  return params.persistent === undefined ? undefined : readBooleanParam(params, 'persistent', false);
}

function readKind(value: string | undefined): DeployHistoryKind | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isDeployHistoryKind(value)) throw invalid(`kind: expected one of ${deployHistoryKinds.join(', ')}, got ${JSON.stringify(value.slice(0, 64))}`);
  return value;
}

/**
 * Environment existence (404) is checked before permissions (403): READ there for reads, DEPLOY_UNDEPLOY for marking
 * and rollback. Ids that cannot be one are 404, like unknown ones. Every mutation is audited, refusals included.
 */
export const historyRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const findRecord = (org: string, env: string, id: string): DeployHistoryRecord => {
    const record = isHistoryId(id) ? deps.deployments.getHistory(org, env, id) : undefined;
    if (!record) throw new AdminError('DeployHistoryRecordDoesNotExist', [id.slice(0, 64), env]);
    return record;
  };

  app.get<{ Params: EnvironmentParams }>(historyPath, async (request) => {
    const { org, env } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    const params = readParams(request);
    const count = readIntegerParam(params, 'count', maxHistoryPageCount);
    if (count < 1 || count > maxHistoryPageCount) throw invalid(`count: expected an integer from 1 to ${maxHistoryPageCount}, got ${count}`);
    const startKey = params.startKey === '' ? undefined : params.startKey;
    if (startKey !== undefined && !isHistoryId(startKey)) throw invalid(`startKey: expected a deploy history id, got ${JSON.stringify(startKey.slice(0, 64))}`);
    const kind = readKind(params.kind);
    const page = deps.deployments.listHistory(org, env, {
      count, ...(startKey ? { startKey } : {}), ...(kind ? { kind } : {}),
      ...(params.proxy ? { api: params.proxy } : {}), ...(params.group ? { group: params.group } : {}),
    });
    return { records: page.records, nextStartKey: page.nextStartKey ?? null };
  });

  app.get<{ Params: RecordParams }>(`${historyPath}/:id`, async (request) => {
    const { org, env, id } = request.params;
    resolveEnvironment(deps, org, env);
    assertPermission(request, 'READ', org, env);
    return findRecord(org, env, id);
  });

  const mark = async (request: FastifyRequest<{ Params: RecordParams }>): Promise<DeployHistoryRecord> => {
    const { org, env, id } = request.params;
    const target = `environments/${env}/deployhistory/${id.slice(0, 64)}`;
    return withApiAudit(deps, request, { organization: org, operation: 'mark-deploy-history', target }, async () => {
      resolveEnvironment(deps, org, env);
      assertPermission(request, 'DEPLOY_UNDEPLOY', org, env);
      const persistent = readPersistent(readBodyFields(request), readParams(request));
      if (persistent === undefined) throw invalid('persistent: required (true or false)');
      findRecord(org, env, id);
      return deps.deployments.markHistory({ organization: org, environment: env, id, persistent });
    });
  };
  app.put<{ Params: RecordParams }>(`${historyPath}/:id`, mark);
  app.post<{ Params: RecordParams }>(`${historyPath}/:id`, mark);

  app.post<{ Params: RecordParams }>(`${historyPath}/:id/rollback`, async (request) => {
    const { org, env, id } = request.params;
    const target = `environments/${env}/deployhistory/${id.slice(0, 64)}`;
    return withApiAudit(deps, request, { organization: org, operation: 'rollback-deployments', target }, async () => {
      resolveEnvironment(deps, org, env);
      assertPermission(request, 'DEPLOY_UNDEPLOY', org, env);
      const fields = readBodyFields(request);
      const params = readParams(request);
      const description = readOptionalString(fields, 'description') ?? params.description;
      if (description !== undefined && description.length > maxDescriptionLength) throw invalid(`description: expected at most ${maxDescriptionLength} characters`);
      const persistent = readPersistent(fields, params);
      const { delaySeconds } = parseDeployOptions({ ...readDelay(fields, params) });
      findRecord(org, env, id);
      const result = await deps.deployments.rollback({
        organization: org, environment: env, id, user: request.principal.user, delaySeconds,
        ...(description !== undefined && description !== '' ? { description } : {}), ...(persistent !== undefined ? { persistent } : {}),
      });
      const deploymentResult: DeploymentResultJson = {
        success: true,
        message: `Rolled back ${env} to deployhistory ${id}`,
        deployed: result.deployed.map(toStateJson),
        undeployed: result.undeployed.map(toStateJson),
        unchanged: result.unchanged.map(toStateJson),
      };
      return { record: result.history, deploymentResult };
    });
  });
};

/** `delay` as a JSON integer or a parameter, for parseDeployOptions (which bounds it as a deploy's). */
function readDelay(fields: JsonFields, params: Readonly<Record<string, string>>): { delay?: string } {
  const value = fields.delay;
  if (value === undefined) return params.delay === undefined ? {} : { delay: params.delay };
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid('delay: expected an integer number of seconds');
  return { delay: String(value) };
}
