// Maps Apigee Edge's resource permission (`{path, permissions: [verbs]}`) to Baton's permissions, where the mapping is clear.
import type { RolePermissionsInput } from '../../access/access-service.js';
import type { Permission } from '../../access/principal.js';
import { invalid, readRequiredString, readRequiredStringList, toJsonFields } from './read-json-body.js';

/** What a supported Edge path addresses. `environment` undefined: every environment (or none is named). */
interface Resource {
  readonly kind: 'organization' | 'applications' | 'deployments';
  readonly environment: string | undefined;
  /** The path named `/environments/…`: its permissions are scoped (unless the environment is `*`). */
  readonly underEnvironment: boolean;
}

const writeVerbs = new Set(['put', 'post', 'delete']);
const supportedPaths = '/, /applications[/*/…], /environments/{env|*}[/applications/*/revisions/*/deployments]';

/**
 * Baton's permissions are coarser than Edge's paths, so only paths whose meaning is one Baton permission are
 * accepted (others are 400 naming what is unsupported):
 * - `get` on any supported path → READ (scoped to the environment when the path names one; in the whole
 *   organization otherwise: Baton has no read permission narrower than that).
 * - `put`/`post`/`delete` on `/environments/{env}/applications/*[/revisions/*]/deployments` → DEPLOY_UNDEPLOY there
 *   (`*` for every environment), as Edge's built-in `user` role grants deploy to `test`.
 * - `put`/`post`/`delete` on `/applications[/*…]` → API_DEFINITION (create, edit and delete proxies).
 * Paths naming one API proxy (`/applications/orders`) are refused: a Baton permission covers every proxy.
 */
export function parseResourcePermission(value: unknown, field: string): RolePermissionsInput {
  const fields = toJsonFields(value, field);
  const path = readRequiredString(fields, 'path');
  const verbs = readRequiredStringList(fields, 'permissions').map((verb) => verb.toLowerCase());
  if (verbs.length === 0) throw invalid(`${field}.permissions: expected a non-empty list of get, put, delete`);
  const resource = toResource(path);
  const permissions = new Set<Permission>();
  for (const verb of verbs) {
    if (verb === 'get') permissions.add('READ');
    else if (!writeVerbs.has(verb)) throw invalid(`${field}.permissions: unsupported verb ${JSON.stringify(verb)}; expected get, put, post or delete`);
    else if (resource.kind === 'deployments' && resource.underEnvironment) permissions.add('DEPLOY_UNDEPLOY');
    else if (resource.kind === 'applications' && !resource.underEnvironment) permissions.add('API_DEFINITION');
    else throw invalid(`${field}: ${verb} on ${path} has no Baton permission; writes are supported on /applications and /environments/{env}/applications/*/revisions/*/deployments`);
  }
  return { permissions: [...permissions], ...(resource.environment !== undefined ? { environments: [resource.environment] } : {}) };
}

function toResource(path: string): Resource {
  const unsupported = (why: string) => invalid(`path ${JSON.stringify(path)}: ${why}; supported: ${supportedPaths}`);
  if (!path.startsWith('/')) throw unsupported('expected a path starting with /');
  const segments = path === '/' ? [] : path.replace(/\/$/, '').slice(1).split('/');
  if (segments.some((segment) => segment === '')) throw unsupported('empty segment');
  let rest = segments;
  let environment: string | undefined;
  const underEnvironment = segments[0] === 'environments';
  if (underEnvironment) {
    const name = segments[1];
    if (name === undefined) throw unsupported('name an environment or *');
    if (name !== '*' && name.includes('*')) throw unsupported('an environment is a name or *');
    environment = name === '*' ? undefined : name;
    rest = segments.slice(2);
  }
  if (rest.length === 0) return { kind: 'organization', environment, underEnvironment };
  if (rest[0] !== 'applications') throw unsupported(`${rest[0]} has no Baton permission`);
  // Edge paths alternate collection and name: applications/{api}/revisions/{rev}/deployments.
  for (let index = 1; index < rest.length; index += 2) {
    if (rest[index] !== '*') throw unsupported('permissions on a single API proxy or revision are not supported (use *)');
  }
  const deploymentsAt = rest.indexOf('deployments');
  if (deploymentsAt === -1) return { kind: 'applications', environment, underEnvironment };
  if (deploymentsAt !== rest.length - 1) throw unsupported('nothing may follow deployments');
  return { kind: 'deployments', environment, underEnvironment };
}
