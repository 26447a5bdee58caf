// Promotions: request that a revision deployed in one environment go to another, then accept (deploy) or reject it.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Principal } from '../access/principal.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { EnvironmentConfig, OrganizationConfig } from '../config.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import { AdminError } from '../errors.js';
import type { RevisionService } from '../revisions/revision-service.js';
import { createKeyedMutex } from '../store/create-keyed-mutex.js';
import type { Store } from '../store/store.js';
import { acceptPromotion, type AcceptInput } from './accept-promotion.js';
import { auditPromotionChange, toAuditText, type PromotionAuditDetails } from './audit-promotion-change.js';
import { PROMOTIONS, toPromotionKey, type PromotionRecord, type PromotionState } from './promotion-records.js';
import { resolvePromotionRevision } from './resolve-promotion-revision.js';

export type { AcceptInput } from './accept-promotion.js';

export interface PromotionServiceDeps {
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly deployments: DeploymentService;
  /** Runtimes by `${organization}/${environment}`: what each target environment has (TargetServers, virtual hosts). */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly organizations: readonly OrganizationConfig[];
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly now: () => number;
  /** New promotion ids (default: random UUIDs). */
  readonly createId?: () => string;
}

export interface PromotionRequest {
  readonly organization: string;
  readonly api: string;
  readonly from: string;
  readonly to: string;
  /** As sent (`"7"`); absent means the revision serving in `from`. */
  readonly revision?: string;
  readonly comment?: string;
}

export interface PromotionFilter {
  readonly api?: string;
  readonly state?: PromotionState;
  readonly to?: string;
}

/**
 * Who may do what (the caller `by` is checked after the organization's and environments' existence, 404):
 * requesting needs API_DEFINITION on the organization; accepting and rejecting need ENVIRONMENT_API on the target
 * environment, and the requester may accept their own only as an ADMIN of an organization with `allowSelfApproval`;
 * reading needs READ on the organization; the tasks of an environment need ENVIRONMENT_API there. Every request,
 * accept and reject is audited, success or failure; each that succeeds is also a `promotion` record in the target
 * environment's deploy history (an accept through its deploy).
 */
export interface PromotionService {
  /** A new pending promotion; PromotionPending (409, naming it) while one of the API to `to` is pending. */
  request(input: PromotionRequest, by: Principal): Promise<PromotionRecord>;
  /** Deploys the revision to the target (seamless swap) and marks it accepted; on failure it stays pending. */
  accept(organization: string, id: string, input: AcceptInput, by: Principal): Promise<PromotionRecord>;
  reject(organization: string, id: string, input: { readonly reason?: string }, by: Principal): Promise<PromotionRecord>;
  get(organization: string, id: string, by: Principal): PromotionRecord;
  /** Oldest first. */
  list(organization: string, filter: PromotionFilter, by: Principal): PromotionRecord[];
  /** The pending promotions into an environment: its "Tasks". Oldest first. */
  listTasks(organization: string, environment: string, by: Principal): PromotionRecord[];
}

/** Longest comment or reason kept. */
const maxTextLength = 1024;

const byRequestTime = (a: PromotionRecord, b: PromotionRecord): number => a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function assertText(value: string | undefined, name: string): void {
  if (value !== undefined && value.length > maxTextLength) throw new AdminError('InvalidParameter', [`${name}: at most ${maxTextLength} characters`]);
}

/** How the target's deploy history names a request or reject: it changes nothing there, but people look there. */
function toHistoryDescription(promotion: PromotionRecord, action: 'requested' | 'rejected', user: string, text: string | undefined): string {
  const what = `Promotion ${promotion.id} of ${promotion.api} revision ${promotion.revision} from ${promotion.from} ${action} by ${user}`;
  return text === undefined ? what : `${what}: ${text}`;
}

function assertAllowed(by: Principal, permission: Parameters<Principal['has']>[0], organization: string, environment?: string): void {
  if (!by.has(permission, organization, environment)) throw new AdminError('Forbidden', [by.user, permission]);
}

export function createPromotionService(deps: PromotionServiceDeps): PromotionService {
  const { store } = deps;
  const createId = deps.createId ?? randomUUID;
  // One lock per (organization, API, target environment) for requests, accepts and rejects alike: "one pending
  // promotion per API and target" holds under concurrent requests, and a promotion is decided at most once.
  const locks = createKeyedMutex();
  const lockKeyOf = (organization: string, api: string, to: string): string => `${organization}/${api}/${to}`;

  const organizationOf = (name: string): OrganizationConfig => {
    const organization = deps.organizations.find((o) => o.name === name);
    if (!organization) throw new AdminError('OrganizationDoesNotExist', [name]);
    return organization;
  };
  const environmentOf = (organization: OrganizationConfig, name: string): EnvironmentConfig => {
    const environment = organization.environments.find((e) => e.name === name);
    if (!environment) throw new AdminError('EnvironmentDoesNotExist', [name, organization.name]);
    return environment;
  };
  const listAll = (organization: string): PromotionRecord[] =>
    store.list<PromotionRecord>(PROMOTIONS, { prefix: `${organization}/` }).map((e) => e.value).sort(byRequestTime);
  const find = (organization: string, id: string): PromotionRecord => {
    const record = store.get<PromotionRecord>(PROMOTIONS, toPromotionKey(organization, id));
    if (!record) throw new AdminError('PromotionDoesNotExist', [id.slice(0, 64), organization]);
    return record;
  };
  /** Stores the promotion and its record in the target's deploy history in one commit: both or neither. */
  const commitWithHistory = async (record: PromotionRecord, user: string, description: string): Promise<PromotionRecord> => {
    const key = toPromotionKey(record.organization, record.id);
    await deps.deployments.recordHistoryNote({
      organization: record.organization, environment: record.to, api: record.api, user,
      history: { kind: 'promotion', description, source: `promotion ${record.id}` },
      ops: [{ collection: PROMOTIONS, key, value: record }],
    });
    return store.get<PromotionRecord>(PROMOTIONS, key) ?? record;
  };
  const auditDeps = { audit: deps.audit, logger: deps.logger };

  /** Checks shared by accept and reject: the promotion exists and the caller may decide on its target. */
  const findDecidable = (organization: string, id: string, by: Principal): PromotionRecord => {
    organizationOf(organization);
    const promotion = find(organization, id);
    assertAllowed(by, 'ENVIRONMENT_API', organization, promotion.to);
    return promotion;
  };
  const lockPending = <T>(promotion: PromotionRecord, task: (current: PromotionRecord) => Promise<T>): Promise<T> =>
    locks.withLock(lockKeyOf(promotion.organization, promotion.api, promotion.to), async () => {
      const current = find(promotion.organization, promotion.id);
      if (current.state !== 'pending') throw new AdminError('PromotionNotPending', [current.id, current.state], { details: { state: current.state } });
      return task(current);
    });

  return {
    request(input, by) {
      const details: PromotionAuditDetails = { api: toAuditText(input.api), from: toAuditText(input.from), to: toAuditText(input.to) };
      if (input.revision !== undefined) details.revision = toAuditText(input.revision);
      if (input.comment !== undefined) details.comment = toAuditText(input.comment);
      const entry = { organization: input.organization, user: by.user, operation: 'request-promotion' };
      return auditPromotionChange(auditDeps, entry, details, 201, async () => {
        const organization = organizationOf(input.organization);
        assertAllowed(by, 'API_DEFINITION', organization.name);
        environmentOf(organization, input.from);
        environmentOf(organization, input.to);
        if (input.from === input.to) throw new AdminError('InvalidParameter', ['to: must be another environment than from']);
        assertText(input.comment, 'comment');
        if (!deps.revisions.getApi(organization.name, input.api)) throw new AdminError('ApplicationDoesNotExist', [input.api, organization.name]);
        const promoted = resolvePromotionRevision(deps, { organization: organization.name, api: input.api, from: input.from, revision: input.revision });
        details.revision = promoted.revision;
        return locks.withLock(lockKeyOf(organization.name, input.api, input.to), async () => {
          const pending = listAll(organization.name).find((p) => p.state === 'pending' && p.api === input.api && p.to === input.to);
          if (pending) throw new AdminError('PromotionPending', [pending.id, input.api, input.to], { details: { pending: pending.id } });
          const id = createId();
          details.promotion = id;
          const at = deps.now();
          const comment = input.comment;
          const record: PromotionRecord = {
            id, organization: organization.name, api: input.api, revision: promoted.revision, from: input.from, to: input.to,
            state: 'pending', ...(comment !== undefined ? { comment } : {}), requestedBy: by.user, requestedAt: at,
            sourceBasePath: promoted.basePath,
            history: [{ at, by: by.user, action: 'request', ...(comment !== undefined ? { comment } : {}) }],
          };
          return commitWithHistory(record, by.user, toHistoryDescription(record, 'requested', by.user, comment));
        });
      });
    },

    accept(organization, id, input, by) {
      const details: PromotionAuditDetails = { promotion: toAuditText(id) };
      if (input.comment !== undefined) details.comment = toAuditText(input.comment);
      const entry = { organization, user: by.user, operation: 'accept-promotion' };
      return auditPromotionChange(auditDeps, entry, details, 200, async () => {
        const config = organizationOf(organization);
        const promotion = findDecidable(organization, id, by);
        Object.assign(details, { api: promotion.api, revision: promotion.revision, from: promotion.from, to: promotion.to });
        assertText(input.comment, 'comment');
        const isOwn = promotion.requestedBy.toLowerCase() === by.user.toLowerCase();
        if (isOwn && !(config.allowSelfApproval === true && by.has('ADMIN', organization))) throw new AdminError('SelfApprovalForbidden', [by.user, promotion.id]);
        const accepted = await lockPending(promotion, (current) => acceptPromotion(deps, current, input, by.user));
        if (accepted.deployment) Object.assign(details, { basePath: accepted.deployment.basePath, replaced: accepted.deployment.replaced.join(',') });
        return accepted;
      });
    },

    reject(organization, id, input, by) {
      const details: PromotionAuditDetails = { promotion: toAuditText(id) };
      if (input.reason !== undefined) details.reason = toAuditText(input.reason);
      const entry = { organization, user: by.user, operation: 'reject-promotion' };
      return auditPromotionChange(auditDeps, entry, details, 200, async () => {
        const promotion = findDecidable(organization, id, by);
        Object.assign(details, { api: promotion.api, revision: promotion.revision, from: promotion.from, to: promotion.to });
        assertText(input.reason, 'reason');
        const reason = input.reason;
        return lockPending(promotion, (current) => {
          const at = deps.now();
          const record: PromotionRecord = {
            ...current, state: 'rejected', decidedBy: by.user, decidedAt: at, ...(reason !== undefined ? { reason } : {}),
            history: [...current.history, { at, by: by.user, action: 'reject', ...(reason !== undefined ? { reason } : {}) }],
          };
          return commitWithHistory(record, by.user, toHistoryDescription(record, 'rejected', by.user, reason));
        });
      });
    },

    get(organization, id, by) {
      organizationOf(organization);
      assertAllowed(by, 'READ', organization);
      return find(organization, id);
    },

    list(organization, filter, by) {
      const config = organizationOf(organization);
      assertAllowed(by, 'READ', organization);
      if (filter.to !== undefined) environmentOf(config, filter.to);
      return listAll(organization).filter((p) =>
        (filter.api === undefined || p.api === filter.api) && (filter.state === undefined || p.state === filter.state) && (filter.to === undefined || p.to === filter.to));
    },

    listTasks(organization, environment, by) {
      environmentOf(organizationOf(organization), environment);
      assertAllowed(by, 'ENVIRONMENT_API', organization, environment);
      return listAll(organization).filter((p) => p.state === 'pending' && p.to === environment);
    },
  };
}
