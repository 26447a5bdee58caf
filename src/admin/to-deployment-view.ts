// What a stored deployment record looks like to a client right now: its state and, while replaced, its drain.
import type { DeploymentRecord } from '../deployments/deployment-records.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { DeploymentState } from './to-deployment-servers.js';

export interface DeploymentView {
  readonly record: DeploymentRecord;
  readonly state: DeploymentState;
  /** Set while a seamless deploy's replaced revision waits out its delay (still deployed, no new traffic). */
  readonly draining: { readonly inflight: number; readonly undeployAt: number } | undefined;
  /** Another revision of the proxy was deployed after this one, at another base path: both serve (a leftover revision). */
  readonly leftover: boolean;
}

export type InspectDeployment = DeploymentService['inspect'];

/**
 * A replaced revision is `deployed` until its undeploy time (compat §3.4 step 6) and `undeployed` from then on,
 * even in the moment before its record is removed.
 */
export function toDeploymentView(record: DeploymentRecord, inspect: InspectDeployment, nowMs: number): DeploymentView {
  if (record.undeployAt === undefined) return { record, state: 'deployed', draining: undefined, leftover: inspect(record)?.leftover ?? false };
  if (record.undeployAt <= nowMs) return { record, state: 'undeployed', draining: undefined, leftover: false };
  // After a restart only the record is left (no traffic, nothing in flight) until the pending undeploy runs.
  const live = inspect(record);
  return { record, state: 'deployed', draining: { inflight: live?.inflight ?? 0, undeployAt: live?.retiringAt ?? record.undeployAt }, leftover: false };
}

export function toUndeployedView(record: DeploymentRecord): DeploymentView {
  return { record, state: 'undeployed', draining: undefined, leftover: false };
}

/**
 * The records still deployed, in listing order: serving revisions newest first, then draining ones newest first,
 * so `revision[0]` (what tooling undeploys, compat §3.5) is a serving revision and a replaced one follows its successor.
 */
export function toListedViews(records: readonly DeploymentRecord[], inspect: InspectDeployment, nowMs: number): DeploymentView[] {
  return records
    .map((record) => toDeploymentView(record, inspect, nowMs))
    .filter((view) => view.state === 'deployed')
    .sort((a, b) => Number(a.draining !== undefined) - Number(b.draining !== undefined) || b.record.revision - a.record.revision);
}
