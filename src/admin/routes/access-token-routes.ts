// Management API of personal access tokens (Baton's own, `/v1/users/{user}/tokens`): create, list, revoke.
import type { NewToken, TokenView } from '../../access/access-service.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { readJsonBody, readOptionalNumber, readRequiredString } from './read-json-body.js';

interface UserParams { email: string }
interface TokenParams extends UserParams { name: string }

/**
 * A user manages their own tokens; an ADMIN manages another user's (the AccessService decides and audits).
 * The secret appears once, in the 201 of the creation, which is marked `no-store` so no cache keeps it;
 * listings and every other reply carry names and times only.
 */
export const accessTokenRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { access } = deps;

  app.post<{ Params: UserParams }>('/v1/users/:email/tokens', async (request, reply) => {
    const fields = readJsonBody(request);
    const expiresInDays = readOptionalNumber(fields, 'expiresInDays');
    const token: NewToken = { name: readRequiredString(fields, 'name'), ...(expiresInDays !== undefined ? { expiresInDays } : {}) };
    const created = await access.createToken(request.params.email, token, request.principal);
    return reply.code(201).header('cache-control', 'no-store').send({ name: created.name, token: created.token, expiresAt: created.expiresAt });
  });

  app.get<{ Params: UserParams }>('/v1/users/:email/tokens', async (request) => access.listTokens(request.params.email, request.principal).map(toTokenJson));

  app.delete<{ Params: TokenParams }>('/v1/users/:email/tokens/:name', async (request) => {
    const { email, name } = request.params;
    // Read first only for the reply; a refusal is left to revokeToken, which records it in the audit trail.
    let view: TokenView | undefined;
    try {
      view = access.listTokens(email, request.principal).find((token) => token.name === name);
    } catch {
      view = undefined;
    }
    await access.revokeToken(email, name, request.principal);
    return view ? toTokenJson(view) : { name };
  });
};

function toTokenJson(token: TokenView): TokenView {
  return { name: token.name, createdAt: token.createdAt, expiresAt: token.expiresAt, ...(token.lastUsedAt !== undefined ? { lastUsedAt: token.lastUsedAt } : {}) };
}
