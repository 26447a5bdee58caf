// The JSON a client sees for a proxy group (revisions as strings, as Edge shows them; `latest` for a following member).
import type { ProxyGroupRecord } from './proxy-group-records.js';

/** The record without its organization; member revisions as strings. */
export type ProxyGroupJson = Omit<ProxyGroupRecord, 'organization' | 'members'> & {
  readonly members: ReadonlyArray<{ readonly api: string; readonly revision: string; readonly basePath?: string }>;
};

export function toProxyGroupJson(group: ProxyGroupRecord): ProxyGroupJson {
  return {
    name: group.name,
    description: group.description,
    members: group.members.map((m) => ({ api: m.api, revision: m.revision === undefined ? 'latest' : String(m.revision), ...(m.basePath !== undefined ? { basePath: m.basePath } : {}) })),
    settings: group.settings,
    deployDelaySeconds: group.deployDelaySeconds,
    createdAt: group.createdAt,
    createdBy: group.createdBy,
    lastModifiedAt: group.lastModifiedAt,
    lastModifiedBy: group.lastModifiedBy,
  };
}
