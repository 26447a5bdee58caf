// The contract of authentication and user/role/token management behind the management API.
import type { RoleGrant } from './built-in-roles.js';
import type { Permission, Principal } from './principal.js';

export type { RoleGrant } from './built-in-roles.js';

/** A user as the management API shows it: never the password or its hash. */
export interface UserView {
  readonly emailId: string;
  readonly firstName: string;
  readonly lastName: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastModifiedAt: number;
}

export interface NewUser {
  readonly emailId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** 8-1024 characters; stored only as a salted scrypt hash. */
  readonly password: string;
}

export interface UserUpdate {
  readonly firstName?: string;
  readonly lastName?: string;
  readonly password?: string;
}

/** A personal access token as listed: no secret, no digest. */
export interface TokenView {
  readonly name: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Updated at most once a minute (it costs a durable write). */
  readonly lastUsedAt?: number;
}

/** Returned once by `createToken`: `token` is shown this one time and only its sha-256 is stored. */
export interface CreatedToken {
  readonly name: string;
  readonly token: string;
  readonly expiresAt: number;
}

export interface NewToken {
  /** `[A-Za-z0-9._-]{1,64}`, unique per user. */
  readonly name: string;
  /** Integer 1-3650; 90 when absent. */
  readonly expiresInDays?: number;
}

export interface UserRole {
  readonly organization: string;
  readonly role: string;
}

export interface RolePermissionsInput {
  readonly permissions: readonly Permission[];
  /** Scope the permissions to these environments of the organization; every environment when absent. */
  readonly environments?: readonly string[];
}

/**
 * Authorization rules (every method takes the caller `by` and checks it before validating anything else, after
 * only the organization's existence, 404; each mutation writes an audit entry, success or failure):
 * - Users are global. Creating one needs ADMIN in at least one organization. Changing, deleting or managing the
 *   tokens of another user needs ADMIN in at least one organization and in every organization where that user
 *   holds a role, so an organization's admin cannot take over an account that has power elsewhere. Users may
 *   read and change themselves and manage their own tokens.
 * - Roles and memberships of an organization need ADMIN in that organization, reads included.
 * - The configured administrator (`admin.user`) is orgadmin in every organization; that membership comes from
 *   the config, so it cannot be removed, and that user cannot be deleted.
 * - Audit entries of users and tokens are recorded under organization `*` (globalAuditOrganization).
 */
export interface AccessService {
  /**
   * Seeds built-in roles and the users of the config, and makes sure the administrator has a password:
   * BATON_ADMIN_PASSWORD / config, else one generated on first start. Returns the generated password once
   * (the caller prints it a single time); it is stored only as a salted slow hash.
   */
  initialize(): Promise<{ generatedAdminPassword: string | undefined }>;
  /**
   * Verifies an `Authorization` header (HTTP Basic or Bearer personal access token). Throws AdminError
   * `Unauthorized` (401) for missing or bad credentials, `TooManyRequests` (429) while `clientKey` (the client
   * address) is being slowed after repeated failures, `InvalidParameter` (400) for a malformed header.
   */
  authenticate(authorization: string | undefined, clientKey: string): Promise<Principal>;

  createUser(user: NewUser, by: Principal): Promise<UserView>;
  getUser(email: string, by: Principal): UserView;
  /** Sorted by email. */
  listUsers(by: Principal): UserView[];
  /** A password change ends cached logins of that user at once. */
  updateUser(email: string, update: UserUpdate, by: Principal): Promise<UserView>;
  /** Also removes the user's role memberships and tokens. */
  deleteUser(email: string, by: Principal): Promise<void>;

  createToken(email: string, token: NewToken, by: Principal): Promise<CreatedToken>;
  /** Sorted by name. */
  listTokens(email: string, by: Principal): TokenView[];
  revokeToken(email: string, name: string, by: Principal): Promise<void>;

  /** Role names of an organization, built-ins first then custom ones sorted. */
  listRoles(organization: string, by: Principal): string[];
  /** Role names follow `[A-Za-z0-9._-]{1,64}`; a built-in's name is taken. */
  createRole(organization: string, role: string, by: Principal): Promise<void>;
  /** Custom roles only; removes the role's memberships too. */
  deleteRole(organization: string, role: string, by: Principal): Promise<void>;
  listRolePermissions(organization: string, role: string, by: Principal): RoleGrant[];
  /** Custom roles only; merges with existing grants (an unscoped grant absorbs scoped ones). Returns the role's grants. ADMIN cannot be environment-scoped. */
  addRolePermissions(organization: string, role: string, input: RolePermissionsInput, by: Principal): Promise<RoleGrant[]>;
  /** Custom roles only; removes the permission in every environment. Returns the role's grants. */
  removeRolePermission(organization: string, role: string, permission: Permission, by: Principal): Promise<RoleGrant[]>;
  /** Emails, sorted. */
  listRoleUsers(organization: string, role: string, by: Principal): string[];
  addUserToRole(organization: string, role: string, email: string, by: Principal): Promise<void>;
  removeUserFromRole(organization: string, role: string, email: string, by: Principal): Promise<void>;
  /** The user's roles; another user's only in the organizations where `by` is ADMIN. */
  listUserRoles(email: string, by: Principal): UserRole[];
}
