// Apigee's built-in roles, present in every organization, and the shape of a role's permission grants.
import type { Permission } from './principal.js';

/** One permission of a role; with `environments` it applies only there (e.g. DEPLOY_UNDEPLOY in `test`). */
export interface RoleGrant {
  readonly permission: Permission;
  readonly environments?: readonly string[];
}

/**
 * Apigee Edge's built-in roles (reliability-security §3.10): orgadmin can do everything; opsadmin deploys and
 * runs environments; businessuser reads (developers, apps and products are READ for now); user builds proxies
 * and deploys them only to `test`. Built-ins cannot be deleted or changed.
 */
export const builtInRoles: ReadonlyMap<string, readonly RoleGrant[]> = new Map<string, readonly RoleGrant[]>([
  ['orgadmin', [{ permission: 'ADMIN' }]],
  ['opsadmin', [{ permission: 'READ' }, { permission: 'DEPLOY_UNDEPLOY' }, { permission: 'ENVIRONMENT_API' }]],
  ['businessuser', [{ permission: 'READ' }]],
  ['user', [{ permission: 'READ' }, { permission: 'API_DEFINITION' }, { permission: 'DEPLOY_UNDEPLOY', environments: ['test'] }]],
]);

export const orgAdminRole = 'orgadmin';
