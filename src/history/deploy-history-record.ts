// Stored deploy history records (one per deploy, undeploy, promotion, group deploy or rollback) and their keys.

export const DEPLOY_HISTORY = 'deployhistory';

export const deployHistoryKinds = ['deploy', 'undeploy', 'promotion', 'group', 'rollback'] as const;
export type DeployHistoryKind = (typeof deployHistoryKinds)[number];

/** One deployed revision of a proxy in the environment. */
export interface DeployedState {
  readonly revision: number;
  readonly basePath: string;
}

/** What one proxy had deployed in the environment before and after the change (sorted by revision). */
export interface ProxyHistory {
  readonly api: string;
  readonly before: readonly DeployedState[];
  readonly after: readonly DeployedState[];
}

export interface DeployHistoryRecord {
  /** Time-ordered and unique (ULID): newest first is descending id order. URL-safe. */
  readonly id: string;
  readonly organization: string;
  readonly environment: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly user: string;
  readonly kind: DeployHistoryKind;
  readonly description: string;
  /** Never deleted by the retention limit. */
  readonly persistent: boolean;
  /** What caused it, e.g. `promotion 7f3…`, `group payments` or `deployhistory <id>`. */
  readonly source?: string;
  readonly group?: string;
  readonly proxies: readonly ProxyHistory[];
  readonly result: 'success' | 'failure';
  /** Why it failed (result `failure`); nothing was changed then. */
  readonly reason?: string;
}

export function isDeployHistoryKind(value: string): value is DeployHistoryKind {
  return (deployHistoryKinds as readonly string[]).includes(value);
}

export function toDeployHistoryPrefix(organization: string, environment: string): string {
  return `${organization}/${environment}/`;
}

export function toDeployHistoryKey(organization: string, environment: string, id: string): string {
  return `${toDeployHistoryPrefix(organization, environment)}${id}`;
}
