// Management API of promotions (Gravitee's "promote an API"): request, list, environment tasks, accept, reject.
import { promotionStates, type PromotionState } from '../../promotions/promotion-records.js';
import { toPromotionJson } from '../../promotions/to-promotion-json.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { parseDeployOptions } from '../deployment-params.js';
import { readParams } from '../read-params.js';
import { invalid, readJsonBody, readOptionalNumber, readOptionalString, readRequiredString, type JsonFields } from './read-json-body.js';

interface OrganizationParams { org: string }
interface ApiParams extends OrganizationParams { api: string }
interface EnvironmentParams extends OrganizationParams { env: string }
interface PromotionParams extends OrganizationParams { id: string }

/** `"7"` or `7`; other types are 400, other strings are left to the service (an unknown revision is 404). */
function readRevision(fields: JsonFields): string | undefined {
  const value = fields.revision;
  if (value === undefined || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  throw invalid('revision: expected a revision number');
}

function readState(value: string | undefined): PromotionState | undefined {
  if (value === undefined || value === '') return undefined;
  const state = promotionStates.find((s) => s === value.toLowerCase());
  if (!state) throw invalid(`state: expected one of ${promotionStates.join(', ')}, got ${JSON.stringify(value.slice(0, 64))}`);
  return state;
}

/**
 * Bodies are JSON (a missing body reads as `{}`). Request answers 201, accept and reject 200, with the promotion.
 * Accept takes `delay` (seconds the replaced revisions drain, default 0) and `basepath` (default: where the proxy
 * already serves in the target, else where it served in the source), validated as a direct deploy's; the deploy
 * always overrides (a seamless swap). Reject takes `reason`; both take `comment`.
 */
export const promotionRoutes: AdminRoutes = (app, deps: AdminDeps) => {
  const { promotions } = deps;

  app.post<{ Params: ApiParams }>('/v1/organizations/:org/apis/:api/promotions', async (request, reply) => {
    const { org, api } = request.params;
    const fields = readJsonBody(request);
    const revision = readRevision(fields);
    const comment = readOptionalString(fields, 'comment');
    const promotion = await promotions.request({
      organization: org, api, from: readRequiredString(fields, 'from'), to: readRequiredString(fields, 'to'),
      ...(revision !== undefined ? { revision } : {}), ...(comment !== undefined ? { comment } : {}),
    }, request.principal);
    return reply.code(201).send(toPromotionJson(promotion));
  });

  app.get<{ Params: OrganizationParams }>('/v1/organizations/:org/promotions', async (request) => {
    const params = readParams(request);
    const state = readState(params.state);
    const filter = {
      ...(params.api ? { api: params.api } : {}), ...(state ? { state } : {}), ...(params.to ? { to: params.to } : {}),
    };
    return promotions.list(request.params.org, filter, request.principal).map(toPromotionJson);
  });

  app.get<{ Params: PromotionParams }>('/v1/organizations/:org/promotions/:id', async (request) =>
    toPromotionJson(promotions.get(request.params.org, request.params.id, request.principal)));

  app.get<{ Params: EnvironmentParams }>('/v1/organizations/:org/environments/:env/tasks', async (request) =>
    promotions.listTasks(request.params.org, request.params.env, request.principal).map((promotion) => ({ type: 'promotion', promotion: toPromotionJson(promotion) })));

  app.post<{ Params: PromotionParams }>('/v1/organizations/:org/promotions/:id/accept', async (request) => {
    const fields = readJsonBody(request);
    const delay = readOptionalNumber(fields, 'delay');
    const basePath = readOptionalString(fields, 'basepath');
    const comment = readOptionalString(fields, 'comment');
    if (delay !== undefined && !Number.isSafeInteger(delay)) throw invalid('delay: expected an integer number of seconds');
    const options = parseDeployOptions({ ...(delay !== undefined ? { delay: String(delay) } : {}), ...(basePath !== undefined ? { basepath: basePath } : {}) });
    const promotion = await promotions.accept(request.params.org, request.params.id, {
      delaySeconds: options.delaySeconds, ...(basePath !== undefined ? { basePath: options.basePath } : {}), ...(comment !== undefined ? { comment } : {}),
    }, request.principal);
    return toPromotionJson(promotion);
  });

  app.post<{ Params: PromotionParams }>('/v1/organizations/:org/promotions/:id/reject', async (request) => {
    const fields = readJsonBody(request);
    const reason = readOptionalString(fields, 'reason') ?? readOptionalString(fields, 'comment');
    const promotion = await promotions.reject(request.params.org, request.params.id, reason !== undefined ? { reason } : {}, request.principal);
    return toPromotionJson(promotion);
  });
};
