// The parameters of deploy and undeploy calls (compat §3.1-3.2): revision numbers, override, delay, basepath, action.
import { normalizeDeploymentBasePath } from '../deployments/deployment-records.js';
import { AdminError } from '../errors.js';
import type { AdminDeps } from './admin-deps.js';
import { readBooleanParam, readIntegerParam } from './read-params.js';

export interface DeployOptions {
  readonly override: boolean;
  readonly delaySeconds: number;
  /** Normalized deployment base path (compat §3.2). */
  readonly basePath: string;
}

/** Node timers fire at once past 2^31-1 ms, so a longer delay would undeploy the old revision immediately. */
const maxDelaySeconds = Math.floor(2 ** 31 / 1000) - 1;

/**
 * `override` (default false), `delay` (integer seconds, negative is 0, default 0), `basepath` (default `/`).
 * An empty value counts as absent: scripts fill templates such as `delay=${DELAY}` with unset variables.
 */
export function parseDeployOptions(params: Readonly<Record<string, string>>): DeployOptions {
  const given: Record<string, string> = Object.create(null);
  for (const name of ['override', 'delay', 'basepath']) {
    const value = params[name];
    if (value !== undefined && value !== '') given[name] = value;
  }
  const override = readBooleanParam(given, 'override', false);
  const delaySeconds = Math.max(0, readIntegerParam(given, 'delay', 0));
  if (delaySeconds > maxDelaySeconds) {
    throw new AdminError('InvalidParameter', [`Invalid value for delay: expected at most ${maxDelaySeconds} seconds, got ${delaySeconds}`]);
  }
  return { override, delaySeconds, basePath: normalizeDeploymentBasePath(given.basepath) };
}

/** A required parameter of the legacy calls (compat §3.1, our choice: missing or empty is 400). */
export function parseRequiredParam(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new AdminError('InvalidParameter', [`Missing required parameter ${name}`]);
  return value;
}

/** `action` of a legacy call: `deploy` or `undeploy` (case-insensitive), otherwise 400. */
export function parseDeploymentAction(params: Readonly<Record<string, string>>): 'deploy' | 'undeploy' {
  const action = parseRequiredParam(params.action, 'action').toLowerCase();
  if (action === 'deploy' || action === 'undeploy') return action;
  throw new AdminError('InvalidParameter', [`Invalid value for action: expected deploy or undeploy, got ${JSON.stringify(params.action)}`]);
}

/**
 * A revision number as sent in a path or parameter. The proxy is checked first, so an unknown proxy is
 * ApplicationDoesNotExist whatever the revision; a revision that is not a number cannot exist: RevisionDoesNotExist.
 */
export function parseRevisionNumber(deps: Pick<AdminDeps, 'revisions'>, organization: string, api: string, raw: string): number {
  if (!deps.revisions.getApi(organization, api)) throw new AdminError('ApplicationDoesNotExist', [api, organization]);
  const revision = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(revision)) throw new AdminError('RevisionDoesNotExist', [raw.slice(0, 64), api, organization]);
  return revision;
}
