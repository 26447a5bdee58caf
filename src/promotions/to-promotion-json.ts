// The management API's view of a promotion: revision numbers as strings (as in Edge's bodies), times in epoch ms.
import type { PromotionAttempt, PromotionDeployment, PromotionHistoryEntry, PromotionRecord, PromotionState } from './promotion-records.js';

export interface PromotionDeploymentJson {
  readonly environment: string;
  readonly basePath: string;
  readonly revision: string;
  readonly replaced: readonly string[];
  readonly changed: boolean;
  readonly historyId?: string;
}

export interface PromotionHistoryJson {
  readonly at: number;
  readonly by: string;
  readonly action: PromotionHistoryEntry['action'];
  readonly comment?: string;
  readonly reason?: string;
  readonly deployment?: PromotionDeploymentJson;
}

export interface PromotionJson {
  readonly id: string;
  readonly organization: string;
  readonly api: string;
  readonly revision: string;
  readonly from: string;
  readonly to: string;
  readonly state: PromotionState;
  readonly comment?: string;
  readonly requestedBy: string;
  readonly requestedAt: number;
  readonly decidedBy?: string;
  readonly decidedAt?: number;
  readonly reason?: string;
  readonly deployment?: PromotionDeploymentJson;
  readonly lastAttempt?: PromotionAttempt;
  readonly history: readonly PromotionHistoryJson[];
}

export function toPromotionJson(record: PromotionRecord): PromotionJson {
  return {
    id: record.id,
    organization: record.organization,
    api: record.api,
    revision: String(record.revision),
    from: record.from,
    to: record.to,
    state: record.state,
    ...(record.comment !== undefined ? { comment: record.comment } : {}),
    requestedBy: record.requestedBy,
    requestedAt: record.requestedAt,
    ...(record.decidedBy !== undefined ? { decidedBy: record.decidedBy } : {}),
    ...(record.decidedAt !== undefined ? { decidedAt: record.decidedAt } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(record.deployment ? { deployment: toDeploymentJson(record.deployment) } : {}),
    ...(record.lastAttempt ? { lastAttempt: record.lastAttempt } : {}),
    history: record.history.map(({ deployment, ...entry }): PromotionHistoryJson => ({ ...entry, ...(deployment ? { deployment: toDeploymentJson(deployment) } : {}) })),
  };
}

function toDeploymentJson(deployment: PromotionDeployment): PromotionDeploymentJson {
  return {
    environment: deployment.environment,
    basePath: deployment.basePath,
    revision: String(deployment.revision),
    replaced: deployment.replaced.map(String),
    changed: deployment.changed,
    ...(deployment.historyId !== undefined ? { historyId: deployment.historyId } : {}),
  };
}
