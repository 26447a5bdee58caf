// Stored API proxy groups (an organization's named sets of proxies deployed together) and their keys.
import type { ProxyGroupSettings } from './proxy-group-settings.js';

export const PROXY_GROUPS = 'proxygroups';

/** One proxy of a group: pinned to a revision, or following the latest one at each deploy. */
export interface ProxyGroupMember {
  readonly api: string;
  /** Absent: the proxy's highest revision when the group deploys. */
  readonly revision?: number;
  /** Deployment base path; absent: where the proxy already serves in the environment, else `/`. */
  readonly basePath?: string;
}

export interface ProxyGroupRecord {
  readonly organization: string;
  readonly name: string;
  readonly description: string;
  readonly members: readonly ProxyGroupMember[];
  readonly settings: ProxyGroupSettings;
  /** Seconds the revisions a deploy of the group replaces keep their in-flight requests, when the call names none. */
  readonly deployDelaySeconds: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly lastModifiedAt: number;
  readonly lastModifiedBy: string;
}

/** Group names follow proxy names (compat §1.5): they appear in paths and keys. */
export function isValidProxyGroupName(name: string): boolean {
  return /^[A-Za-z0-9._-]{1,255}$/.test(name) && name !== '.' && name !== '..';
}

export function toProxyGroupKey(organization: string, name: string): string {
  return `${organization}/${name}`;
}
