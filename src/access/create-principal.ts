// Builds a Principal from the grants of the roles a user holds, per organization.
import type { RoleGrant } from './built-in-roles.js';
import type { Permission, Principal } from './principal.js';

export interface OrganizationGrants {
  readonly organization: string;
  readonly grants: readonly RoleGrant[];
}

/** Per organization: ADMIN, or each permission → every environment (`all`) or the listed ones. */
type Scope = 'all' | Set<string>;

/**
 * `has(permission, org, env)`: ADMIN in `org` implies everything there; an unscoped grant applies in every
 * environment and to organization-level checks; an environment-scoped grant applies only when `environment`
 * is given and listed (an organization-level check without an environment is not satisfied by it).
 * Roles add up: the broadest grant wins, as in Apigee.
 */
export function createPrincipal(user: string, method: Principal['method'], roles: readonly OrganizationGrants[]): Principal {
  const admins = new Set<string>();
  const byOrganization = new Map<string, Map<Permission, Scope>>();
  for (const { organization, grants } of roles) {
    let scopes = byOrganization.get(organization);
    if (!scopes) byOrganization.set(organization, (scopes = new Map()));
    for (const grant of grants) {
      if (grant.permission === 'ADMIN') admins.add(organization);
      const current = scopes.get(grant.permission);
      if (current === 'all') continue;
      if (!grant.environments) scopes.set(grant.permission, 'all');
      else scopes.set(grant.permission, new Set([...(current ?? []), ...grant.environments]));
    }
  }
  return Object.freeze({
    user,
    method,
    isAdmin: admins.size > 0,
    has(permission: Permission, organization: string, environment?: string): boolean {
      if (admins.has(organization)) return true;
      const scope = byOrganization.get(organization)?.get(permission);
      if (scope === undefined) return false;
      if (scope === 'all') return true;
      return environment !== undefined && scope.has(environment);
    },
  });
}
