// Rollback to a deploy history record: the proxies it names get back the deployments it shows after it, as one change.
import { AdminError } from '../errors.js';
import type { DeployHistoryRecord } from '../history/deploy-history-record.js';
import { applyEnvironmentChange, type EnvironmentChange, type EnvironmentChangeResult } from './apply-environment-change.js';
import type { DeploymentContext } from './deployment-context.js';
import type { HistoryEntryBase } from './to-history-entry.js';

export interface RollbackInput {
  readonly organization: string;
  readonly environment: string;
  /** The deploy history record whose `after` state comes back. */
  readonly id: string;
  readonly user: string;
  /** Default: `Rollback to deployhistory <id>`. */
  readonly description?: string;
  readonly persistent?: boolean;
  /** Seconds the revisions the rollback takes out keep their in-flight requests before they are undeployed. */
  readonly delaySeconds?: number;
}

export function toRollbackHistoryBase(input: RollbackInput): HistoryEntryBase {
  return {
    organization: input.organization, environment: input.environment, user: input.user,
    note: { kind: 'rollback', description: input.description ?? `Rollback to deployhistory ${input.id}`, persistent: input.persistent ?? false, source: `deployhistory ${input.id}` },
    kind: 'rollback', description: `Rollback to deployhistory ${input.id}`,
  };
}

/** DeployHistoryRecordDoesNotExist (404) when the environment has no such record. */
export function findRollbackTarget(ctx: DeploymentContext, input: RollbackInput): DeployHistoryRecord {
  ctx.runtimeOf(input.organization, input.environment);
  const target = ctx.history.get(input.organization, input.environment, input.id);
  if (!target) throw new AdminError('DeployHistoryRecordDoesNotExist', [input.id, input.environment]);
  return target;
}

/**
 * Every revision the record shows after it must still exist and be deployable: otherwise RollbackNotPossible
 * (409) naming each one, and nothing changes. Revisions of those proxies that it does not show are undeployed.
 */
export function toRollbackChanges(ctx: DeploymentContext, target: DeployHistoryRecord): EnvironmentChange[] {
  const missing: string[] = [];
  for (const proxy of target.proxies) {
    if (proxy.after.length > 0 && !ctx.revisions.getApi(target.organization, proxy.api)) {
      missing.push(`proxy ${proxy.api} was deleted`);
      continue;
    }
    for (const { revision } of proxy.after) {
      const record = ctx.revisions.getRevision(target.organization, proxy.api, revision);
      if (!record) missing.push(`revision ${revision} of ${proxy.api} was deleted`);
      else if (record.problems.length > 0) missing.push(`revision ${revision} of ${proxy.api} cannot be deployed (${record.problems.map((p) => `${p.file}: ${p.message}`).join('; ')})`);
    }
  }
  if (missing.length > 0) throw new AdminError('RollbackNotPossible', [target.id, missing.join('; ')]);
  return target.proxies.map((proxy) => {
    const wanted = new Set(proxy.after.map((s) => s.revision));
    const current = ctx.list(target.organization, { environment: target.environment, api: proxy.api });
    const leaving = current.filter((r) => !wanted.has(r.revision) && (r.undeployAt === undefined || r.servesUntilUndeploy));
    return { api: proxy.api, deploy: proxy.after, undeploy: leaving.map((r) => r.revision) };
  });
}

export async function rollbackToHistory(ctx: DeploymentContext, input: RollbackInput, target: DeployHistoryRecord): Promise<EnvironmentChangeResult> {
  const changes = toRollbackChanges(ctx, target);
  const base = toRollbackHistoryBase(input);
  return applyEnvironmentChange(ctx, { organization: input.organization, environment: input.environment, changes, user: input.user, history: base.note, delaySeconds: input.delaySeconds });
}
