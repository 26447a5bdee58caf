// Looks up a configured organization or environment by name, or answers the compat §4 404.
import type { EnvironmentConfig, OrganizationConfig } from '../config.js';
import { AdminError } from '../errors.js';
import type { AdminDeps } from './admin-deps.js';

/** Throws 404 OrganizationDoesNotExist. Names are case-sensitive. */
export function resolveOrganization(deps: Pick<AdminDeps, 'config'>, name: string): OrganizationConfig {
  const organization = deps.config.organizations.find((o) => o.name === name);
  if (!organization) throw new AdminError('OrganizationDoesNotExist', [name]);
  return organization;
}

/** Throws 404 OrganizationDoesNotExist, then EnvironmentDoesNotExist. */
export function resolveEnvironment(deps: Pick<AdminDeps, 'config'>, organization: string, name: string): EnvironmentConfig {
  const environment = resolveOrganization(deps, organization).environments.find((e) => e.name === name);
  if (!environment) throw new AdminError('EnvironmentDoesNotExist', [name, organization]);
  return environment;
}
