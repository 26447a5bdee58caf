// Who is calling the management API and what they may do: permissions scoped to an organization and environments.

/** Baton's permissions (issue: management API). Roles bundle them; custom roles may scope them to environments. */
export const permissions = ['READ', 'API_DEFINITION', 'DEPLOY_UNDEPLOY', 'ENVIRONMENT_API', 'API_MANAGEMENT', 'ADMIN'] as const;
export type Permission = (typeof permissions)[number];

/** An authenticated caller. `ADMIN` implies every permission in its organization (and user management). */
export interface Principal {
  /** The user's email (never a secret; safe to log and to record in the audit trail). */
  readonly user: string;
  /** How the caller authenticated. */
  readonly method: 'basic' | 'bearer';
  /** True when the caller holds `permission` in `organization`, and (for environment-scoped permissions) in `environment`. */
  has(permission: Permission, organization: string, environment?: string): boolean;
  /** True for an `ADMIN` of any organization (may manage users). */
  readonly isAdmin: boolean;
}
