// Who holds which role: add and remove role members, list a role's users and a user's roles.
import { AdminError } from '../errors.js';
import { assertAdminOf, assertOrganization, isSelf, runAudited, type AccessContext } from './access-context.js';
import { invalid, toShownName } from './access-input.js';
import {
  compareText,
  listMemberships,
  membersCollection,
  readRoleGrants,
  readUser,
  toMemberKey,
  toUserKey,
  type MemberRecord,
} from './access-records.js';
import type { AccessService } from './access-service.js';
import { orgAdminRole } from './built-in-roles.js';
import type { Principal } from './principal.js';

export type MembershipOperations = Pick<AccessService, 'listRoleUsers' | 'addUserToRole' | 'removeUserFromRole' | 'listUserRoles'>;

export function createMembershipOperations(context: AccessContext): MembershipOperations {
  const { store } = context;
  const audited = <T>(by: Principal, operation: string, organization: string, role: string, email: string, task: () => Promise<T>): Promise<T> => {
    const org = toShownName(organization);
    const target = `organizations/${org}/userroles/${toShownName(role)}/users/${toShownName(email)}`;
    return runAudited(context, by, { operation, organization: org, target }, async () => {
      assertOrganization(context, organization);
      assertAdminOf(by, organization);
      return task();
    });
  };
  const assertRole = (organization: string, role: string): void => {
    if (!readRoleGrants(store, organization, String(role))) throw new AdminError('RoleDoesNotExist', [toShownName(role), organization]);
  };

  return {
    listRoleUsers(organization, role, by) {
      assertOrganization(context, organization);
      assertAdminOf(by, organization);
      assertRole(organization, role);
      const userKeys = new Set<string>();
      if (role === orgAdminRole) userKeys.add(context.adminKey);
      for (const { value } of store.list<MemberRecord>(membersCollection)) {
        if (value.organization === organization && value.role === role) userKeys.add(value.user);
      }
      return [...userKeys].map((userKey) => readUser(store, userKey)?.emailId ?? userKey).sort(compareText);
    },

    addUserToRole(organization, role, email, by) {
      return audited(by, 'add-user-role', organization, role, email, async () => {
        const userKey = toUserKey(String(email));
        // Under the lock, so a role deleted meanwhile does not leave a membership behind.
        await context.withLock(async () => {
          assertRole(organization, role);
          if (!readUser(store, userKey)) throw new AdminError('UserDoesNotExist', [toShownName(email)]);
          const record: MemberRecord = { user: userKey, organization, role };
          await store.commit([{ collection: membersCollection, key: toMemberKey(userKey, organization, role), value: record }]);
        });
      });
    },

    removeUserFromRole(organization, role, email, by) {
      return audited(by, 'remove-user-role', organization, role, email, async () => {
        const userKey = toUserKey(String(email));
        if (userKey === context.adminKey && role === orgAdminRole) throw invalid('the administrator (admin.user) is orgadmin of every organization by configuration');
        await context.withLock(async () => {
          assertRole(organization, role);
          const key = toMemberKey(userKey, organization, role);
          if (!store.get(membersCollection, key)) throw new AdminError('UserNotInRole', [toShownName(email), role, organization]);
          await store.commit([{ collection: membersCollection, key, value: null }]);
        });
      });
    },

    listUserRoles(email, by) {
      const userKey = toUserKey(String(email));
      const self = isSelf(by, userKey);
      if (!self && !by.isAdmin) throw new AdminError('Forbidden', [by.user, 'ADMIN']);
      if (!readUser(store, userKey)) throw new AdminError('UserDoesNotExist', [toShownName(email)]);
      return listMemberships(context, userKey)
        .filter((membership) => self || by.has('ADMIN', membership.organization))
        .map(({ organization, role }) => ({ organization, role }));
    },
  };
}
