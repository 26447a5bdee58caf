// What the access operations share (store, lock, audit, hasher), the authorization checks and the audit wrapper.
import type { AuditLog } from '../audit/audit-log.js';
import { AdminError, adminErrors } from '../errors.js';
import { StoreError, type Store } from '../store/store.js';
import { listMemberships, readRoleGrants, readUser, toUserKey, type MembershipScope } from './access-records.js';
import type { CredentialCache } from './create-credential-cache.js';
import { createPrincipal, type OrganizationGrants } from './create-principal.js';
import type { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';

export interface AccessContext extends MembershipScope {
  readonly store: Store;
  readonly audit: AuditLog;
  /** Serializes every read-modify-write of access records (all of them: they are few and cross-referenced). */
  readonly withLock: <T>(task: () => Promise<T>) => Promise<T>;
  readonly hasher: PasswordHasher;
  readonly credentialCache: CredentialCache;
  readonly now: () => number;
}

/** The Principal of a stored user, from the grants of every role they hold right now. */
export function toPrincipal(context: AccessContext, userKey: string, method: Principal['method']): Principal {
  const user = readUser(context.store, userKey);
  const roles: OrganizationGrants[] = [];
  for (const membership of listMemberships(context, userKey)) {
    const grants = readRoleGrants(context.store, membership.organization, membership.role);
    if (grants) roles.push({ organization: membership.organization, grants });
  }
  return createPrincipal(user?.emailId ?? userKey, method, roles);
}

export function assertOrganization(context: AccessContext, organization: string): void {
  if (!context.organizations.has(organization)) throw new AdminError('OrganizationDoesNotExist', [organization]);
}

export function assertAdminOf(by: Principal, organization: string): void {
  if (!by.has('ADMIN', organization)) throw new AdminError('Forbidden', [by.user, 'ADMIN']);
}

export function isSelf(by: Principal, userKey: string): boolean {
  return toUserKey(by.user) === userKey;
}

/**
 * Another user's account may be changed only by an ADMIN of every organization where that user holds a role
 * (and of at least one): otherwise an organization's admin could reset the password of, or mint a token for,
 * an admin of another organization.
 */
export function assertMayManageUser(context: AccessContext, by: Principal, userKey: string): void {
  if (isSelf(by, userKey)) return;
  if (!by.isAdmin) throw new AdminError('Forbidden', [by.user, 'ADMIN']);
  for (const { organization } of listMemberships(context, userKey)) assertAdminOf(by, organization);
}

export interface AuditedAction {
  readonly operation: string;
  readonly organization: string;
  readonly target: string;
  /** Non-secret parameters, recorded with the outcome. */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Runs a mutation and records its outcome. A failure is recorded best-effort (the caller sees the original
 * error); a success whose entry cannot be written rejects, so no change goes unaudited without the caller knowing.
 */
export async function runAudited<T>(context: AccessContext, by: Principal | 'baton', action: AuditedAction, task: () => Promise<T>): Promise<T> {
  const user = by === 'baton' ? 'baton' : by.user;
  const entry = { organization: action.organization, user, operation: action.operation, target: action.target };
  let result: T;
  try {
    result = await task();
  } catch (err) {
    await context.audit.record({ ...entry, result: 'failure', details: { ...action.details, ...toFailureDetails(err) } }).catch(() => undefined);
    throw err;
  }
  await context.audit.record({ ...entry, result: 'success', ...(action.details ? { details: action.details } : {}) });
  return result;
}

function toFailureDetails(err: unknown): { status: number; code: string } {
  if (err instanceof AdminError) return { status: err.status, code: err.code };
  const entry = err instanceof StoreError ? adminErrors.StoreFailure : adminErrors.InternalError;
  return { status: entry.status, code: entry.code };
}
