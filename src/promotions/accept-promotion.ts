// Accepting a pending promotion: check the target environment has what the revision references, deploy, record.
import type { Logger } from 'pino';
import type { DeploymentService, DeployResult } from '../deployments/deployment-service.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import { AdminError, BundleError, adminErrors } from '../errors.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store } from '../store/store.js';
import { findMissingResources } from './find-missing-resources.js';
import { PROMOTIONS, toPromotionKey, type PromotionDeployment, type PromotionRecord } from './promotion-records.js';

export interface AcceptContext {
  readonly store: Store;
  readonly revisions: Pick<RevisionService, 'getRevision' | 'loadBundle'>;
  readonly deployments: Pick<DeploymentService, 'deploy' | 'list'>;
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface AcceptInput {
  /** Seconds the revisions it replaces in the target keep draining without new traffic (default 0). */
  readonly delaySeconds?: number;
  /** Deployment base path in the target; see `toTargetBasePath` for the default. */
  readonly basePath?: string;
  readonly comment?: string;
}

/**
 * Updating the target means deploying where the proxy already serves there (its latest serving deployment);
 * a first promotion deploys at the base path the revision had in the source environment.
 */
function toTargetBasePath(context: AcceptContext, promotion: PromotionRecord, requested: string | undefined): string {
  if (requested !== undefined) return requested;
  const serving = context.deployments.list(promotion.organization, { environment: promotion.to, api: promotion.api }).filter((r) => r.undeployAt === undefined);
  const latest = serving.reduce<(typeof serving)[number] | undefined>((a, b) => (!a || b.deployedAt > a.deployedAt ? b : a), undefined);
  return latest?.basePath ?? promotion.sourceBasePath;
}

/** Throws MissingEnvironmentResources (409) naming every TargetServer and virtual host the target lacks. */
async function assertTargetHasResources(context: AcceptContext, promotion: PromotionRecord): Promise<void> {
  const { organization, api, revision, to } = promotion;
  const record = context.revisions.getRevision(organization, api, revision);
  if (!record) throw new AdminError('RevisionDoesNotExist', [revision, api, organization]);
  const runtime = context.runtimes.get(`${organization}/${to}`);
  if (!runtime) throw new AdminError('EnvironmentDoesNotExist', [to, organization]);
  const missing = findMissingResources(await context.revisions.loadBundle(record), {
    environment: to, virtualHosts: runtime.options.virtualHosts, targetServers: runtime.options.targetServers,
  });
  if (missing.length > 0) throw new AdminError('MissingEnvironmentResources', [promotion.id, missing.join('; ')], { details: { promotion: promotion.id, missing } });
}

/** The reason a failed accept records: the client's own errors in full, Baton's own failures without internals. */
function toFailureReason(err: unknown): string {
  if (err instanceof AdminError && err.code === adminErrors.MissingEnvironmentResources.code) {
    const missing = (err.details?.missing ?? []) as string[];
    return missing.join('; ');
  }
  if (err instanceof BundleError) return err.problems.map((p) => (p.file ? `${p.file}: ${p.message}` : p.message)).join('; ');
  if (err instanceof AdminError && err.status < 500) return err.message;
  return 'the deploy failed with an internal error (see the gateway log)';
}

function toDeployment(result: DeployResult): PromotionDeployment {
  const { deployed } = result;
  return {
    environment: deployed.environment, basePath: deployed.basePath, revision: deployed.revision,
    replaced: result.replaced.map((r) => r.revision), changed: result.changed, historyId: result.history.id,
  };
}

/**
 * Runs under the promotion's lock with `promotion` pending. A failure leaves the promotion pending with the reason
 * in `lastAttempt` and the history, and the target untouched (the deploy compiles beside the live state and swaps
 * only on success), then rethrows. If recording the acceptance fails after a successful deploy, the promotion stays
 * pending while the target serves the revision; accepting again is an idempotent deploy that records it.
 */
export async function acceptPromotion(context: AcceptContext, promotion: PromotionRecord, input: AcceptInput, user: string): Promise<PromotionRecord> {
  const key = toPromotionKey(promotion.organization, promotion.id);
  const comment = input.comment;
  let result: DeployResult;
  try {
    await assertTargetHasResources(context, promotion);
    result = await context.deployments.deploy({
      organization: promotion.organization,
      environment: promotion.to,
      api: promotion.api,
      revision: promotion.revision,
      basePath: toTargetBasePath(context, promotion, input.basePath),
      override: true,
      delaySeconds: input.delaySeconds ?? 0,
      user,
      history: {
        kind: 'promotion',
        description: comment ?? promotion.comment ?? `Promoted ${promotion.api} revision ${promotion.revision} from ${promotion.from} to ${promotion.to}`,
        source: `promotion ${promotion.id}`,
      },
    });
  } catch (err) {
    const at = context.now();
    const reason = toFailureReason(err);
    const failed: PromotionRecord = {
      ...promotion,
      lastAttempt: { at, by: user, result: 'failure', reason },
      history: [...promotion.history, { at, by: user, action: 'accept-failed', ...(comment !== undefined ? { comment } : {}), reason }],
    };
    await context.store.commit([{ collection: PROMOTIONS, key, value: failed }]).catch((commitErr: unknown) => {
      context.logger.error({ err: commitErr, promotion: promotion.id }, 'recording a failed promotion accept failed');
    });
    context.logger.warn({ org: promotion.organization, promotion: promotion.id, api: promotion.api, to: promotion.to, reason }, 'promotion accept failed; it stays pending');
    throw err;
  }
  const at = context.now();
  const deployment = toDeployment(result);
  const accepted: PromotionRecord = {
    ...promotion,
    state: 'accepted',
    decidedBy: user,
    decidedAt: at,
    deployment,
    lastAttempt: { at, by: user, result: 'success' },
    history: [...promotion.history, { at, by: user, action: 'accept', ...(comment !== undefined ? { comment } : {}), deployment }],
  };
  try {
    await context.store.commit([{ collection: PROMOTIONS, key, value: accepted }]);
  } catch (err) {
    context.logger.error({ err, promotion: promotion.id }, 'the promotion was deployed but its acceptance could not be recorded; accepting it again records it');
    throw new AdminError('StoreFailure', [], { cause: err });
  }
  context.logger.info({ org: promotion.organization, promotion: promotion.id, api: promotion.api, revision: promotion.revision, from: promotion.from, to: promotion.to }, 'promotion accepted');
  return context.store.get<PromotionRecord>(PROMOTIONS, key) ?? accepted;
}
