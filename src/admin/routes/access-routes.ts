// The management API of access control: users, tokens, roles, memberships, permissions and the audit trail.
import type { AdminRoutes } from '../admin-routes.js';
import { accessMembershipRoutes } from './access-membership-routes.js';
import { accessRoleRoutes } from './access-role-routes.js';
import { accessTokenRoutes } from './access-token-routes.js';
import { accessUserRoutes } from './access-user-routes.js';
import { auditRoutes } from './audit-routes.js';

/** Handlers are thin: the AccessService decides who may do what and records every change in the audit trail. */
export const accessRoutes: AdminRoutes = (app, deps) => {
  accessUserRoutes(app, deps);
  accessTokenRoutes(app, deps);
  accessRoleRoutes(app, deps);
  accessMembershipRoutes(app, deps);
  auditRoutes(app, deps);
};
