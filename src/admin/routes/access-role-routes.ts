// Management API of an organization's roles (Edge `/userroles`): list, create, read, delete, and their permissions.
import type { RoleGrant, RolePermissionsInput } from '../../access/access-service.js';
import type { Permission } from '../../access/principal.js';
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { parseResourcePermission } from './parse-resource-permission.js';
import { invalid, readJsonBody, readOptionalStringList, readRequiredStringList, toJsonFields, type JsonFields } from './read-json-body.js';

interface OrgParams { org: string }
interface RoleParams extends OrgParams { role: string }
interface PermissionParams extends RoleParams { permission: string }

/** Baton's view of a role's permissions (Edge lists path/verb pairs instead; Baton's grants are not paths). */
function toPermissionsJson(role: string, grants: readonly RoleGrant[]) {
  return { name: role, permissions: grants.map((grant) => (grant.environments ? { permission: grant.permission, environments: [...grant.environments] } : { permission: grant.permission })) };
}

/** Edge's `{"role":[{"name":"deployer"}]}`; a bare name in the list is accepted too. */
function toRoleNames(fields: JsonFields): string[] {
  const list = fields.role;
  if (!Array.isArray(list) || list.length === 0) throw invalid('role: expected a non-empty list of {"name": …}');
  return list.map((item: unknown, index) => {
    if (typeof item === 'string') return item;
    const name = typeof item === 'object' && item !== null && !Array.isArray(item) ? toJsonFields(item, `role[${index}]`).name : undefined;
    if (typeof name !== 'string') throw invalid(`role[${index}].name: expected a string`);
    return name;
  });
}

/**
 * The permissions body, in one of three shapes:
 * - Baton's: `{"permissions": ["DEPLOY_UNDEPLOY"], "environments": ["test"]}` (environments optional: all of them);
 * - Edge's resource permission: `{"path": "/applications", "permissions": ["get", "put", "delete"]}`;
 * - Edge's bulk form: `{"resourcePermission": [{path, permissions}, …]}`.
 * Edge shapes are mapped by parseResourcePermission, or refused with 400 naming what has no Baton meaning.
 */
function toPermissionInputs(fields: JsonFields): RolePermissionsInput[] {
  if (fields.resourcePermission !== undefined) {
    const list = fields.resourcePermission;
    if (!Array.isArray(list) || list.length === 0) throw invalid('resourcePermission: expected a non-empty list of {"path", "permissions"}');
    return list.map((item: unknown, index) => parseResourcePermission(item, `resourcePermission[${index}]`));
  }
  if (fields.path !== undefined) return [parseResourcePermission(fields, 'body')];
  // The AccessService checks each name against the permission list.
  const permissions = readRequiredStringList(fields, 'permissions') as Permission[];
  const environments = readOptionalStringList(fields, 'environments');
  return [{ permissions, ...(environments !== undefined ? { environments } : {}) }];
}

/**
 * Every route needs ADMIN in the organization, reads included (the AccessService checks it and audits changes).
 * Built-in roles are listed and readable but cannot be changed or deleted.
 */
export const accessRoleRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { access } = deps;

  app.get<{ Params: OrgParams }>('/v1/organizations/:org/userroles', async (request) => access.listRoles(request.params.org, request.principal));

  app.post<{ Params: OrgParams }>('/v1/organizations/:org/userroles', async (request, reply) => {
    const names = toRoleNames(readJsonBody(request));
    // One at a time, in order: a failure leaves the earlier roles created, and says which role it was about.
    for (const name of names) await access.createRole(request.params.org, name, request.principal);
    return reply.code(201).send({ role: names.map((name) => ({ name })) });
  });

  app.get<{ Params: RoleParams }>('/v1/organizations/:org/userroles/:role', async (request) => {
    const { org, role } = request.params;
    if (!access.listRoles(org, request.principal).includes(role)) throw new AdminError('RoleDoesNotExist', [role, org]);
    return { name: role };
  });

  app.delete<{ Params: RoleParams }>('/v1/organizations/:org/userroles/:role', async (request) => {
    const { org, role } = request.params;
    await access.deleteRole(org, role, request.principal);
    return { name: role };
  });

  app.get<{ Params: RoleParams }>('/v1/organizations/:org/userroles/:role/permissions', async (request) => {
    const { org, role } = request.params;
    return toPermissionsJson(role, access.listRolePermissions(org, role, request.principal));
  });

  app.post<{ Params: RoleParams }>('/v1/organizations/:org/userroles/:role/permissions', async (request, reply) => {
    const { org, role } = request.params;
    const inputs = toPermissionInputs(readJsonBody(request));
    let grants: RoleGrant[] = [];
    for (const input of inputs) grants = await access.addRolePermissions(org, role, input, request.principal);
    return reply.code(201).send(toPermissionsJson(role, grants));
  });

  app.delete<{ Params: PermissionParams }>('/v1/organizations/:org/userroles/:role/permissions/:permission', async (request) => {
    const { org, role, permission } = request.params;
    // The AccessService checks the name (400 for an unknown permission).
    const grants = await access.removeRolePermission(org, role, permission as Permission, request.principal);
    return toPermissionsJson(role, grants);
  });
};
