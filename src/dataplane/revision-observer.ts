// What the data plane observes per deployed revision: its metric cells and its access-log child logger, resolved once.
import type { Logger } from 'pino';
import type { CompiledRevision } from '../engine/compiled-revision.js';
import type { DataplaneMetrics, RevisionMetrics } from '../metrics/dataplane-metrics.js';

export interface RevisionObserver {
  readonly metrics: RevisionMetrics;
  /** A pino child bound to `access: true`, org, env, proxy and revision: each access-log line serializes only its own fields. */
  readonly accessLog: Logger;
}

export function createRevisionObserver(metrics: DataplaneMetrics, logger: Logger, revision: CompiledRevision): RevisionObserver {
  const { organization, environment, apiName } = revision;
  return {
    metrics: metrics.forRevision(organization, environment, apiName, revision.revision),
    accessLog: logger.child({ access: true, org: organization, env: environment, proxy: apiName, revision: revision.revision }),
  };
}
