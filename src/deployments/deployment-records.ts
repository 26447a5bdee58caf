// Stored deployment records (environment × proxy × revision) and their keys.
import type { DeploymentGroup } from '../groups/proxy-group-settings.js';

export const DEPLOYMENTS = 'deployments';

export interface DeploymentRecord {
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  /** Deployment base path (compat §3.3), `/` by default. */
  readonly basePath: string;
  readonly deployedAt: number;
  readonly deployedBy: string;
  /**
   * Set when a seamless deploy replaced this revision: it gets no new traffic and is undeployed at this time
   * (epoch ms). A restart completes the pending undeploy (compat §3.4 step 6).
   */
  readonly undeployAt?: number;
  /** With undeployAt: an undeploy with a delay, which keeps serving until then (a replaced revision does not). */
  readonly servesUntilUndeploy?: boolean;
  /**
   * Set when a proxy group deployed it: the group and the settings compiled into it (a restart or a content
   * change compiles them in again). A later deploy of the proxy that is not the group's drops it.
   */
  readonly group?: DeploymentGroup;
}

export function toDeploymentKey(organization: string, environment: string, api: string, revision: number): string {
  return `${toDeploymentKeyPrefix(organization, environment, api)}${String(revision).padStart(10, '0')}`;
}

/** The keys of one proxy's deployments in an environment start with this (proxy names cannot contain `/`, compat §1.5). */
export function toDeploymentKeyPrefix(organization: string, environment: string, api: string): string {
  return `${organization}/${environment}/${api}/`;
}

/** Deployment base path normalization (compat §3.2): leading `/` added, trailing `/` dropped except on `/`. */
export function normalizeDeploymentBasePath(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return '/';
  let path = raw.trim();
  if (!path.startsWith('/')) path = `/${path}`;
  path = path.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}
