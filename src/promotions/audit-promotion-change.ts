// Runs one promotion change and records it in the audit trail, success or failure, with user, comment and result.
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import { AdminError, BundleError, adminErrors } from '../errors.js';

export type PromotionAuditDetails = Record<string, string | number | boolean>;

export interface PromotionAuditEntry {
  readonly organization: string;
  readonly user: string;
  /** `request-promotion`, `accept-promotion` or `reject-promotion`. */
  readonly operation: string;
}

/** Audit values are bounded: a comment is for people, not a place to store documents. */
export function toAuditText(value: string): string {
  return value.length > 256 ? `${value.slice(0, 255)}…` : value;
}

/** `apis/{api}/promotions/{id}`, with what is known when the change ends (a refused request has no id). */
function toAuditTarget(details: PromotionAuditDetails): string {
  const promotion = typeof details.promotion === 'string' ? `/${details.promotion}` : '';
  return typeof details.api === 'string' ? `apis/${details.api}/promotions${promotion}` : `promotions${promotion}`;
}

/** The status and code a failed change ends with, as the management API will answer it. */
function toOutcome(err: unknown): { status: number; code: string } {
  if (err instanceof AdminError) return { status: err.status, code: err.code };
  if (err instanceof BundleError) return { status: err.status, code: err.status === 413 ? adminErrors.BundleTooLarge.code : adminErrors.InvalidBundle.code };
  return { status: adminErrors.InternalError.status, code: adminErrors.InternalError.code };
}

/**
 * A failure is recorded best-effort (the caller sees the original error); a success strictly, so no change goes
 * unaudited without the caller knowing. `run` fills `details` as it learns more (the API, the promotion id).
 */
export async function auditPromotionChange<T>(
  deps: { readonly audit: AuditLog; readonly logger: Logger },
  entry: PromotionAuditEntry,
  details: PromotionAuditDetails,
  successStatus: number,
  run: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (err) {
    const outcome = toOutcome(err);
    await deps.audit.record({ ...entry, target: toAuditTarget(details), result: 'failure', details: { ...details, ...outcome } }).catch((auditErr: unknown) => {
      deps.logger.error({ err: auditErr }, 'recording a failed promotion change in the audit trail failed');
    });
    throw err;
  }
  await deps.audit.record({ ...entry, target: toAuditTarget(details), result: 'success', details: { ...details, status: successStatus } });
  return result;
}
