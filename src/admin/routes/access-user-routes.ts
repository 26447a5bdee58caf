// Management API of user accounts (Edge `/v1/users`): create, list, read, update, delete.
import type { FastifyRequest } from 'fastify';
import type { NewUser, UserUpdate, UserView } from '../../access/access-service.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { invalid, readJsonBody, readOptionalString, readRequiredString, type JsonFields } from './read-json-body.js';

interface UserParams { email: string }

/** Edge's user body: never the password or its hash, and no Baton-only fields. */
function toUserJson(user: UserView): { emailId: string; firstName: string; lastName: string } {
  return { emailId: user.emailId, firstName: user.firstName, lastName: user.lastName };
}

function toUserUpdate(fields: JsonFields, email: string): UserUpdate {
  const emailId = readOptionalString(fields, 'emailId');
  // Edge clients send the whole user back on update; the address is the account's identity, so it cannot change here.
  if (emailId !== undefined && emailId.toLowerCase() !== email.toLowerCase()) throw invalid('emailId: cannot be changed; it must match the user in the path');
  const firstName = readOptionalString(fields, 'firstName');
  const lastName = readOptionalString(fields, 'lastName');
  const password = readOptionalString(fields, 'password');
  return { ...(firstName !== undefined ? { firstName } : {}), ...(lastName !== undefined ? { lastName } : {}), ...(password !== undefined ? { password } : {}) };
}

/**
 * Bodies are read field by field (unknown fields are ignored) and checked for shape here; the AccessService checks
 * the values (email syntax, password length), who may do what, and records the audit entry. Shape errors therefore
 * come before the 403 of a caller who may not create users: they depend only on the request, never on stored state.
 */
export const accessUserRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { access } = deps;

  app.post('/v1/users', async (request, reply) => {
    const fields = readJsonBody(request);
    const firstName = readOptionalString(fields, 'firstName');
    const lastName = readOptionalString(fields, 'lastName');
    const user: NewUser = {
      emailId: readRequiredString(fields, 'emailId'),
      password: readRequiredString(fields, 'password'),
      ...(firstName !== undefined ? { firstName } : {}),
      ...(lastName !== undefined ? { lastName } : {}),
    };
    const created = await access.createUser(user, request.principal);
    return reply.code(201).send(toUserJson(created));
  });

  app.get('/v1/users', async (request) => access.listUsers(request.principal).map((user) => user.emailId));

  app.get<{ Params: UserParams }>('/v1/users/:email', async (request) => toUserJson(access.getUser(request.params.email, request.principal)));

  // Edge updates a user with POST; PUT is accepted too, as REST clients expect it.
  const update = async (request: FastifyRequest<{ Params: UserParams }>) => {
    const { email } = request.params;
    const updated = await access.updateUser(email, toUserUpdate(readJsonBody(request), email), request.principal);
    return toUserJson(updated);
  };
  app.post<{ Params: UserParams }>('/v1/users/:email', update);
  app.put<{ Params: UserParams }>('/v1/users/:email', update);

  app.delete<{ Params: UserParams }>('/v1/users/:email', async (request) => {
    const { email } = request.params;
    // The user is read first only for the reply; a failure to read is left to deleteUser, which records it in the audit trail.
    let user: UserView | undefined;
    try {
      user = access.getUser(email, request.principal);
    } catch {
      user = undefined;
    }
    await access.deleteUser(email, request.principal);
    return user ? toUserJson(user) : { emailId: email, firstName: '', lastName: '' };
  });
};
