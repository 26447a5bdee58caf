// Roles of an organization: list, create and delete custom roles, and edit their (optionally environment-scoped) permissions.
import { AdminError } from '../errors.js';
import type { StoreOp } from '../store/store.js';
import { assertAdminOf, assertOrganization, runAudited, type AccessContext } from './access-context.js';
import { assertAccessName, assertPermission, invalid, toShownName } from './access-input.js';
import { compareText, membersCollection, rolesCollection, toRoleKey, type MemberRecord, type RoleRecord } from './access-records.js';
import type { AccessService, RolePermissionsInput } from './access-service.js';
import { builtInRoles, type RoleGrant } from './built-in-roles.js';
import { permissions, type Permission, type Principal } from './principal.js';

export type RoleOperations = Pick<AccessService, 'listRoles' | 'createRole' | 'deleteRole' | 'listRolePermissions' | 'addRolePermissions' | 'removeRolePermission'>;

export function createRoleOperations(context: AccessContext): RoleOperations {
  const { store } = context;
  const audited = <T>(by: Principal, operation: string, organization: string, role: unknown, task: () => Promise<T>): Promise<T> => {
    const org = toShownName(organization);
    return runAudited(context, by, { operation, organization: org, target: `organizations/${org}/userroles/${toShownName(role)}` }, async () => {
      assertOrganization(context, organization);
      assertAdminOf(by, organization);
      return task();
    });
  };
  /** A custom role's record; built-ins are fixed. */
  const readCustomRole = (organization: string, role: string): RoleRecord => {
    if (builtInRoles.has(role)) throw invalid(`the built-in role ${role} cannot be changed or deleted`);
    const record = store.get<RoleRecord>(rolesCollection, toRoleKey(organization, role));
    if (!record) throw new AdminError('RoleDoesNotExist', [role, organization]);
    return record;
  };
  const updateGrants = async (organization: string, role: string, change: (grants: readonly RoleGrant[]) => RoleGrant[]): Promise<RoleGrant[]> =>
    context.withLock(async () => {
      const record = readCustomRole(organization, role);
      const grants = change(record.grants);
      await store.commit([{ collection: rolesCollection, key: toRoleKey(organization, role), value: { ...record, grants } }]);
      return grants;
    });

  return {
    listRoles(organization, by) {
      assertOrganization(context, organization);
      assertAdminOf(by, organization);
      const custom = store.list<RoleRecord>(rolesCollection, { prefix: `${organization}/` }).map(({ value }) => value.name);
      return [...builtInRoles.keys(), ...custom.sort(compareText)];
    },

    createRole(organization, role, by) {
      return audited(by, 'create-role', organization, role, async () => {
        assertAccessName(role, 'role');
        await context.withLock(async () => {
          if (builtInRoles.has(role) || store.get(rolesCollection, toRoleKey(organization, role))) throw new AdminError('RoleAlreadyExists', [role, organization]);
          const record: RoleRecord = { organization, name: role, grants: [], createdAt: context.now() };
          await store.commit([{ collection: rolesCollection, key: toRoleKey(organization, role), value: record }]);
        });
      });
    },

    deleteRole(organization, role, by) {
      return audited(by, 'delete-role', organization, role, async () => {
        await context.withLock(async () => {
          readCustomRole(organization, String(role));
          const ops: StoreOp[] = [{ collection: rolesCollection, key: toRoleKey(organization, role), value: null }];
          for (const { key, value } of store.list<MemberRecord>(membersCollection)) {
            if (value.organization === organization && value.role === role) ops.push({ collection: membersCollection, key, value: null });
          }
          await store.commit(ops);
        });
      });
    },

    listRolePermissions(organization, role, by) {
      assertOrganization(context, organization);
      assertAdminOf(by, organization);
      const grants = builtInRoles.get(role) ?? store.get<RoleRecord>(rolesCollection, toRoleKey(organization, role))?.grants;
      if (!grants) throw new AdminError('RoleDoesNotExist', [toShownName(role), organization]);
      return grants.map(toGrantCopy);
    },

    addRolePermissions(organization, role, input: RolePermissionsInput, by) {
      return audited(by, 'add-role-permissions', organization, role, async () => {
        const added = toPermissionList(input?.permissions);
        const environments = toEnvironmentList(context, organization, input?.environments);
        if (environments && added.includes('ADMIN')) throw invalid('ADMIN covers the whole organization and cannot be scoped to environments');
        return updateGrants(organization, String(role), (grants) => mergeGrants(grants, added, environments));
      });
    },

    removeRolePermission(organization, role, permission, by) {
      return audited(by, 'remove-role-permission', organization, role, async () => {
        assertPermission(permission);
        return updateGrants(organization, String(role), (grants) => grants.filter((grant) => grant.permission !== permission).map(toGrantCopy));
      });
    },
  };
}

function toPermissionList(value: unknown): Permission[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`permissions: expected a non-empty list of ${permissions.join(', ')}`);
  for (const permission of value) assertPermission(permission);
  return value as Permission[];
}

/** undefined means every environment; a given list must name environments of the organization. */
function toEnvironmentList(context: AccessContext, organization: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) throw invalid('environments: expected a non-empty list of environment names');
  const known = context.organizations.get(organization);
  for (const environment of value) {
    if (typeof environment !== 'string' || !known?.has(environment)) throw new AdminError('EnvironmentDoesNotExist', [toShownName(environment), organization]);
  }
  return value as string[];
}

/** An unscoped grant absorbs scoped ones; scoped grants of one permission merge their environments. Ordered as `permissions`. */
function mergeGrants(grants: readonly RoleGrant[], added: readonly Permission[], environments: readonly string[] | undefined): RoleGrant[] {
  const byPermission = new Map<Permission, RoleGrant>(grants.map((grant) => [grant.permission, grant]));
  for (const permission of added) {
    const current = byPermission.get(permission);
    if (!environments || (current && !current.environments)) byPermission.set(permission, { permission });
    else byPermission.set(permission, { permission, environments: [...new Set([...(current?.environments ?? []), ...environments])].sort(compareText) });
  }
  return permissions.flatMap((permission) => {
    const grant = byPermission.get(permission);
    return grant ? [toGrantCopy(grant)] : [];
  });
}

function toGrantCopy(grant: RoleGrant): RoleGrant {
  return grant.environments ? { permission: grant.permission, environments: [...grant.environments] } : { permission: grant.permission };
}
