// How users, custom roles, role memberships and personal access tokens are kept in the Store, and their readers.
import type { Store } from '../store/store.js';
import { builtInRoles, orgAdminRole, type RoleGrant } from './built-in-roles.js';

export const usersCollection = 'access-users';
export const rolesCollection = 'access-roles';
export const membersCollection = 'access-members';
export const tokensCollection = 'access-tokens';

/** Keyed by toUserKey(emailId). */
export interface UserRecord {
  readonly emailId: string;
  readonly firstName: string;
  readonly lastName: string;
  /** password-hasher.ts format; never leaves this folder. */
  readonly passwordHash: string;
  readonly createdAt: number;
  readonly lastModifiedAt: number;
}

/** A custom role, keyed by toRoleKey; built-ins are code, not records. */
export interface RoleRecord {
  readonly organization: string;
  readonly name: string;
  readonly grants: readonly RoleGrant[];
  readonly createdAt: number;
}

/** Keyed by toMemberKey, so one user's memberships are one prefix (read on every authentication). */
export interface MemberRecord {
  readonly user: string;
  readonly organization: string;
  readonly role: string;
}

/** Keyed by the token's sha-256 (hex): the token itself is never stored. */
export interface TokenRecord {
  readonly user: string;
  readonly name: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt?: number;
}

/** Emails compare case-insensitively (config/parse-users.ts rejects two spellings of one address). */
export function toUserKey(email: string): string {
  return email.toLowerCase();
}

export function toRoleKey(organization: string, role: string): string {
  return `${organization}/${role}`;
}

/** encodeURIComponent keeps a `/` inside an email from making one user's prefix match another's keys. */
export function toMemberPrefix(userKey: string): string {
  return `${encodeURIComponent(userKey)}/`;
}

export function toMemberKey(userKey: string, organization: string, role: string): string {
  return `${toMemberPrefix(userKey)}${organization}/${role}`;
}

export function readUser(store: Store, userKey: string): UserRecord | undefined {
  return store.get<UserRecord>(usersCollection, userKey);
}

/** The grants of a built-in or custom role; undefined when the organization has no such role. */
export function readRoleGrants(store: Store, organization: string, role: string): readonly RoleGrant[] | undefined {
  return builtInRoles.get(role) ?? store.get<RoleRecord>(rolesCollection, toRoleKey(organization, role))?.grants;
}

export interface MembershipScope {
  readonly store: Store;
  /** toUserKey of `admin.user`: orgadmin in every organization by configuration. */
  readonly adminKey: string;
  readonly organizations: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Stored memberships in configured organizations, plus the administrator's implicit orgadmin roles; sorted. */
export function listMemberships(scope: MembershipScope, userKey: string): MemberRecord[] {
  const memberships = new Map<string, MemberRecord>();
  if (userKey === scope.adminKey) {
    for (const organization of scope.organizations.keys()) {
      memberships.set(toRoleKey(organization, orgAdminRole), { user: userKey, organization, role: orgAdminRole });
    }
  }
  for (const { value } of scope.store.list<MemberRecord>(membersCollection, { prefix: toMemberPrefix(userKey) })) {
    if (scope.organizations.has(value.organization)) memberships.set(toRoleKey(value.organization, value.role), value);
  }
  return [...memberships.values()].sort((a, b) => compareText(toRoleKey(a.organization, a.role), toRoleKey(b.organization, b.role)));
}

/** Code-unit order: stable across locales. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
