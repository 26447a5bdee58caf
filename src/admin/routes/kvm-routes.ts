// Management API of key value maps (Edge v1): organization, environment, API proxy and API proxy revision scopes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '../../access/principal.js';
import type { KvmScope } from '../../kvms/kvm-scope.js';
import { AdminError } from '../../errors.js';
import type { AdminDeps } from '../admin-deps.js';
import type { AdminRoutes } from '../admin-routes.js';
import { assertPermission } from '../assert-permission.js';
import { readBooleanParam, readIntegerParam, readParams } from '../read-params.js';
import { resolveEnvironment, resolveOrganization } from '../resolve-organization.js';
import { withApiAudit } from './api-audit.js';
import { readEncrypted, readEntryInput, readEntryList, toEntryJson, toMapJson } from './kvm-json.js';
import { readJsonBody } from './read-json-body.js';
import { parseRevisionParam, resolveApi, resolveRevision } from './revision-lookup.js';

type ScopeParams = Readonly<Record<string, string>>;

/** One family of KVM paths: its base, how it names its scope, and what a change there needs. */
interface KvmFamily {
  readonly base: string;
  /** Checks existence and READ (or `change`) permission, then returns the scope. */
  resolve(request: FastifyRequest, params: ScopeParams, change: boolean): KvmScope;
  /** The audit target of the family's base path, e.g. `environments/test/keyvaluemaps`. */
  target(params: ScopeParams): string;
}

/** Edge: 100 keys by default, at most 1000. */
const DEFAULT_KEY_COUNT = 100;
const MAX_KEY_COUNT = 1000;

function toFamilies(deps: AdminDeps): KvmFamily[] {
  // Environment maps are environment configuration (ENVIRONMENT_API there); organization and proxy maps are API management.
  const orgPermission = (change: boolean): Permission => (change ? 'API_MANAGEMENT' : 'READ');
  return [
    {
      base: '/v1/organizations/:org/keyvaluemaps',
      resolve(request, { org = '' }, change) {
        resolveOrganization(deps, org);
        assertPermission(request, orgPermission(change), org);
        return { kind: 'organization', organization: org };
      },
      target: () => 'keyvaluemaps',
    },
    {
      base: '/v1/organizations/:org/environments/:env/keyvaluemaps',
      resolve(request, { org = '', env = '' }, change) {
        resolveEnvironment(deps, org, env);
        assertPermission(request, change ? 'ENVIRONMENT_API' : 'READ', org, env);
        return { kind: 'environment', organization: org, environment: env };
      },
      target: ({ env = '' }) => `environments/${env}/keyvaluemaps`,
    },
    {
      base: '/v1/organizations/:org/apis/:api/keyvaluemaps',
      resolve(request, { org = '', api = '' }, change) {
        resolveOrganization(deps, org);
        assertPermission(request, orgPermission(change), org);
        resolveApi(deps, org, api);
        return { kind: 'apiproxy', organization: org, api };
      },
      target: ({ api = '' }) => `apis/${api}/keyvaluemaps`,
    },
    {
      base: '/v1/organizations/:org/apis/:api/revisions/:rev/keyvaluemaps',
      resolve(request, { org = '', api = '', rev = '' }, change) {
        resolveOrganization(deps, org);
        assertPermission(request, orgPermission(change), org);
        const revision = parseRevisionParam(rev);
        resolveRevision(deps, org, api, revision);
        return { kind: 'revision', organization: org, api, revision };
      },
      target: ({ api = '', rev = '' }) => `apis/${api}/revisions/${rev}/keyvaluemaps`,
    },
  ];
}

function registerFamily(app: FastifyInstance, deps: AdminDeps, family: KvmFamily): void {
  const { kvms } = deps;
  const { base } = family;
  const read = (request: FastifyRequest) => family.resolve(request, request.params as ScopeParams, false);
  /** Runs a change with its permission check inside the audit, so refusals are recorded too. */
  const change = <T>(request: FastifyRequest, operation: string, path: string, task: (scope: KvmScope) => Promise<T>): Promise<T> => {
    const params = request.params as ScopeParams;
    return withApiAudit(deps, request, { organization: params.org ?? '', operation, target: `${family.target(params)}${path}` }, () => task(family.resolve(request, params, true)));
  };
  const mapOf = (request: FastifyRequest): string => (request.params as ScopeParams).map ?? '';
  const entryOf = (request: FastifyRequest): string => (request.params as ScopeParams).entry ?? '';

  app.get(base, async (request) => {
    const scope = read(request);
    const names = kvms.listMaps(scope);
    return readBooleanParam(readParams(request), 'expand', false) ? names.map((name) => toMapJson(kvms.getMap(scope, name))) : names;
  });

  app.post(base, async (request, reply) => {
    const fields = readJsonBody(request);
    const name = typeof fields.name === 'string' ? fields.name : '';
    const map = await change(request, 'create-kvm', `/${name}`, async (scope) => {
      if (name === '') throw new AdminError('InvalidParameter', ['name: required']);
      return kvms.createMap(scope, { name, encrypted: readEncrypted(fields), entries: readEntryList(fields) });
    });
    return reply.code(201).send(toMapJson(map));
  });

  app.get(`${base}/:map`, async (request) => toMapJson(kvms.getMap(read(request), mapOf(request))));

  const updateMap = async (request: FastifyRequest) => {
    const fields = readJsonBody(request);
    const map = await change(request, 'update-kvm', `/${mapOf(request)}`, async (scope) => kvms.updateMap(scope, mapOf(request), readEntryList(fields)));
    return toMapJson(map);
  };
  app.post(`${base}/:map`, updateMap);
  app.put(`${base}/:map`, updateMap);

  app.delete(`${base}/:map`, async (request) =>
    toMapJson(await change(request, 'delete-kvm', `/${mapOf(request)}`, async (scope) => kvms.deleteMap(scope, mapOf(request)))));

  app.get(`${base}/:map/keys`, async (request) => {
    const scope = read(request);
    const params = readParams(request);
    const count = readIntegerParam(params, 'count', DEFAULT_KEY_COUNT);
    if (count < 1 || count > MAX_KEY_COUNT) throw new AdminError('InvalidParameter', [`Invalid value for count: expected 1-${MAX_KEY_COUNT}, got ${count}`]);
    return kvms.listKeys(scope, mapOf(request), { count, ...(params.startkey !== undefined ? { startKey: params.startkey } : {}) });
  });

  app.post(`${base}/:map/entries`, async (request, reply) => {
    const input = readEntryInput(readJsonBody(request), '');
    const entry = await change(request, 'create-kvm-entry', `/${mapOf(request)}/entries/${input.name}`, async (scope) => kvms.createEntry(scope, mapOf(request), input));
    return reply.code(201).send(toEntryJson(entry));
  });

  app.get(`${base}/:map/entries/:entry`, async (request) => toEntryJson(kvms.getEntry(read(request), mapOf(request), entryOf(request))));

  const updateEntry = async (request: FastifyRequest) => {
    const input = readEntryInput(readJsonBody(request), '', entryOf(request));
    return toEntryJson(await change(request, 'update-kvm-entry', `/${mapOf(request)}/entries/${input.name}`, async (scope) => kvms.updateEntry(scope, mapOf(request), input)));
  };
  app.post(`${base}/:map/entries/:entry`, updateEntry);
  app.put(`${base}/:map/entries/:entry`, updateEntry);

  app.delete(`${base}/:map/entries/:entry`, async (request) =>
    toEntryJson(await change(request, 'delete-kvm-entry', `/${mapOf(request)}/entries/${entryOf(request)}`, async (scope) => kvms.deleteEntry(scope, mapOf(request), entryOf(request)))));
}

/**
 * Reads need READ (in the environment for environment maps). Changes need ENVIRONMENT_API in the environment for
 * environment maps, API_MANAGEMENT in the organization otherwise. Existence and permission are checked in that
 * order for organizations and environments (their names are configuration, not secrets), permission first for
 * proxies. Every change is audited, refusals included. Values of encrypted maps are never returned.
 */
export const kvmRoutes: AdminRoutes = (app, deps) => {
  for (const family of toFamilies(deps)) registerFamily(app, deps, family);
};
