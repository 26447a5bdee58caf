// Records every change the API-proxy routes attempt in the audit trail, with how it ended.
import type { FastifyRequest } from 'fastify';
import type { AdminDeps } from '../admin-deps.js';
import { toAdminErrorReply } from '../to-admin-error-reply.js';
import { toAuditText } from '../../promotions/audit-promotion-change.js';

export interface AuditedChange<T> {
  readonly organization: string;
  /** A stable verb: `import`, `create-api`, `update-revision`, `put-policy`, `delete-resource`, … */
  readonly operation: string;
  /** What the change is about, e.g. `apis/orders/revisions/3/policies`. */
  readonly target: string;
  /** The target once the change succeeded, when only its result names it (an import's new revision). */
  readonly successTarget?: (result: T) => string;
  /** Status of the success reply. */
  readonly successStatus?: number;
}

/**
 * Runs `task` and records its outcome; the task checks permissions itself, so refusals are recorded too. A failure
 * is recorded best-effort (the caller sees the original error, with the status and code it will be answered
 * with); a success whose entry cannot be written rejects, so no change goes unaudited unnoticed (as the access
 * service's runAudited does). The organization and targets come from the request (paths, bodies) and are bounded
 * like every audit value (toAuditText), so a refused request naming a megabyte cannot bloat the trail.
 */
export async function withApiAudit<T>(deps: Pick<AdminDeps, 'audit' | 'config'>, request: FastifyRequest, change: AuditedChange<T>, task: () => Promise<T>): Promise<T> {
  const entry = { organization: toAuditText(change.organization), user: request.principal.user, operation: change.operation };
  let result: T;
  try {
    result = await task();
  } catch (err) {
    const { status, body } = toAdminErrorReply(err, { bodyLimitBytes: deps.config.limits.maxBundleBytes, contentType: request.headers['content-type'] });
    await deps.audit.record({ ...entry, target: toAuditText(change.target), result: 'failure', details: { status, code: body.code } }).catch(() => undefined);
    throw err;
  }
  const target = toAuditText(change.successTarget ? change.successTarget(result) : change.target);
  await deps.audit.record({ ...entry, target, result: 'success', details: { status: change.successStatus ?? 200 } });
  return result;
}
