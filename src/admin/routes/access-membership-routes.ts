// Management API of role membership (Edge `/userroles/{role}/users` and `/users/{email}/userroles`).
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { readParams } from '../read-params.js';
import { invalid } from './read-json-body.js';

interface RoleParams { org: string; role: string }
interface MemberParams extends RoleParams { email: string }
interface UserParams { email: string }

function toMembershipJson(organization: string, role: string, email: string) {
  return { emailId: email, organization, role };
}

/**
 * A role's members need ADMIN in the organization; a user's own roles are readable by that user, another user's
 * only in the organizations where the caller is ADMIN (the AccessService decides and audits changes).
 */
export const accessMembershipRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { access } = deps;

  app.get<{ Params: RoleParams }>('/v1/organizations/:org/userroles/:role/users', async (request) => {
    const { org, role } = request.params;
    return access.listRoleUsers(org, role, request.principal);
  });

  // Edge sends the user as `?id=` with an (empty) form body; the form field is read too (compat §1.2).
  app.post<{ Params: RoleParams }>('/v1/organizations/:org/userroles/:role/users', async (request, reply) => {
    const { org, role } = request.params;
    const email = readParams(request).id;
    if (email === undefined || email === '') throw invalid("id: required (the user's email address)");
    await access.addUserToRole(org, role, email, request.principal);
    return reply.code(201).send(toMembershipJson(org, role, email));
  });

  app.delete<{ Params: MemberParams }>('/v1/organizations/:org/userroles/:role/users/:email', async (request) => {
    const { org, role, email } = request.params;
    await access.removeUserFromRole(org, role, email, request.principal);
    return toMembershipJson(org, role, email);
  });

  // Edge's shape: {"role": [{"name", "organization"}]}.
  app.get<{ Params: UserParams }>('/v1/users/:email/userroles', async (request) => {
    const roles = access.listUserRoles(request.params.email, request.principal);
    return { role: roles.map(({ organization, role }) => ({ name: role, organization })) };
  });
};
