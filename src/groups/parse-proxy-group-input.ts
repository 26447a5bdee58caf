// A proxy group's JSON body (create or replace) → validated fields, every problem at once naming its field.
import { normalizeDeploymentBasePath } from '../deployments/deployment-records.js';
import { isValidApiName } from '../revisions/revision-records.js';
import { isValidProxyGroupName, type ProxyGroupMember } from './proxy-group-records.js';
import { parseProxyGroupSettings } from './parse-proxy-group-settings.js';
import type { ProxyGroupSettings } from './proxy-group-settings.js';

export interface ProxyGroupInput {
  readonly name: string;
  readonly description: string;
  readonly members: readonly ProxyGroupMember[];
  readonly settings: ProxyGroupSettings;
  readonly deployDelaySeconds: number;
}

export const maxGroupMembers = 100;
const maxDescriptionLength = 1024;
/** Node timers fire at once past 2^31-1 ms (as for a deploy's `delay`). */
export const maxGroupDelaySeconds = Math.floor(2 ** 31 / 1000) - 1;
const allowedFields = ['name', 'description', 'members', 'settings', 'deployDelaySeconds'];
const memberFields = ['api', 'revision', 'basePath'];

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `"3"`, `3` or `"latest"` (or absent): a pinned revision, or undefined for the latest. */
function parseRevision(value: unknown, at: string, problems: string[]): number | undefined {
  if (value === undefined || value === null || value === 'latest') return undefined;
  const revision = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof revision === 'number' && Number.isSafeInteger(revision) && revision >= 1) return revision;
  problems.push(`${at}: expected a revision number or "latest", got ${show(value)}`);
  return undefined;
}

function parseBasePath(value: unknown, at: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  // A base path is a literal path prefix (compat §3.2): no query, fragment, spaces or control characters.
  if (typeof value !== 'string' || value.length > 255 || !/^\/?[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/.test(value)) {
    problems.push(`${at}: expected a base path such as /orders, got ${show(value)}`);
    return undefined;
  }
  return normalizeDeploymentBasePath(value);
}

/** `"orders"` (the latest revision) or `{"api": "orders", "revision": "3", "basePath": "/orders"}`. */
function parseMember(value: unknown, at: string, problems: string[]): ProxyGroupMember | undefined {
  if (typeof value === 'string') {
    if (isValidApiName(value)) return { api: value };
    problems.push(`${at}: "${value.slice(0, 64)}" is not a valid API proxy name (A-Za-z0-9._-)`);
    return undefined;
  }
  if (!isObject(value)) {
    problems.push(`${at}: expected a proxy name or {"api", "revision", "basePath"}, got ${show(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) if (!memberFields.includes(key)) problems.push(`${at}.${key}: unknown field; expected one of ${memberFields.join(', ')}`);
  const { api } = value;
  if (typeof api !== 'string' || !isValidApiName(api)) {
    problems.push(`${at}.api: expected an API proxy name (A-Za-z0-9._-), got ${show(api)}`);
    return undefined;
  }
  const revision = parseRevision(value.revision, `${at}.revision`, problems);
  const basePath = parseBasePath(value.basePath, `${at}.basePath`, problems);
  return { api, ...(revision !== undefined ? { revision } : {}), ...(basePath !== undefined ? { basePath } : {}) };
}

function parseMembers(value: unknown, problems: string[]): ProxyGroupMember[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > maxGroupMembers) {
    problems.push(`members: expected a list of 1 to ${maxGroupMembers} proxies, got ${show(value)}`);
    return [];
  }
  const members: ProxyGroupMember[] = [];
  value.forEach((item: unknown, index) => {
    const member = parseMember(item, `members[${index}]`, problems);
    if (!member) return;
    if (members.some((m) => m.api === member.api)) problems.push(`members[${index}]: proxy ${member.api} is named twice`);
    else members.push(member);
  });
  return members;
}

/**
 * `name` is required unless `pathName` (a replace) gives it, and must then match it (renaming is not supported).
 * Returns the input or the problems; never both.
 */
export function parseProxyGroupInput(body: Readonly<Record<string, unknown>>, pathName?: string): { input: ProxyGroupInput; problems: [] } | { input: undefined; problems: string[] } {
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!allowedFields.includes(key)) problems.push(`${key}: unknown field; expected one of ${allowedFields.join(', ')}`);
  const { name = pathName, description = '', deployDelaySeconds = 0 } = body;
  if (typeof name !== 'string' || !isValidProxyGroupName(name)) problems.push(`name: expected a group name (A-Za-z0-9._-, at most 255), got ${show(name)}`);
  else if (pathName !== undefined && name !== pathName) problems.push(`name: ${show(name)} differs from the group in the path (${pathName}); groups cannot be renamed`);
  if (typeof description !== 'string' || description.length > maxDescriptionLength) problems.push(`description: expected a text of at most ${maxDescriptionLength} characters`);
  if (typeof deployDelaySeconds !== 'number' || !Number.isSafeInteger(deployDelaySeconds) || deployDelaySeconds < 0 || deployDelaySeconds > maxGroupDelaySeconds) {
    problems.push(`deployDelaySeconds: expected an integer from 0 to ${maxGroupDelaySeconds}, got ${show(deployDelaySeconds)}`);
  }
  const members = parseMembers(body.members, problems);
  const { settings, problems: settingsProblems } = parseProxyGroupSettings(body.settings);
  problems.push(...settingsProblems);
  if (problems.length > 0) return { input: undefined, problems };
  return { input: { name: name as string, description: description as string, members, settings, deployDelaySeconds: deployDelaySeconds as number }, problems: [] };
}
