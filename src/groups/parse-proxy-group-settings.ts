// A proxy group's JSON `settings` → typed settings, every problem at once naming its field.
import { parseCondition } from '../engine/condition/parse-condition.js';
import { checkCorsConfig } from '../policies/cors/parse.js';
import { isHttpToken } from '../policies/shared/policy-xml.js';
import type { GroupCacheKeyFragment, GroupCorsSettings, GroupResponseCacheSettings, ProxyGroupSettings } from './proxy-group-settings.js';
import { toCorsConfig } from './to-group-policies.js';

const maxListLength = 64;
const maxTextLength = 256;
const maxCacheTimeoutSeconds = 31_536_000;
const maxPreflightAgeSeconds = 86_400;
const variablePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,255}$/;

type Fields = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

class Checker {
  readonly problems: string[] = [];

  report(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string, allowed: readonly string[]): Fields | undefined {
    if (!isObject(value)) {
      this.report(path, `expected a JSON object, got ${show(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.report(`${path}.${key}`, `unknown field; expected one of ${allowed.join(', ')}`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      this.report(path, `expected an integer from ${min} to ${max}, got ${show(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    this.report(path, `expected true or false, got ${show(value)}`);
    return undefined;
  }

  /** A list of strings each passing `check` (which returns what is wrong, or undefined). */
  strings(value: unknown, path: string, check: (item: string) => string | undefined): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length > maxListLength) {
      this.report(path, `expected a list of at most ${maxListLength} strings, got ${show(value)}`);
      return undefined;
    }
    const out: string[] = [];
    value.forEach((item: unknown, index) => {
      const problem = typeof item !== 'string' ? 'expected a string' : item.length > maxTextLength ? `longer than ${maxTextLength} characters` : check(item);
      if (problem === undefined) out.push(item as string);
      else this.report(`${path}[${index}]`, `${problem}, got ${show(item)}`);
    });
    return out;
  }
}

/** `*`, or an origin exactly as a browser sends it: scheme, host and optional port, nothing else. */
function checkOrigin(origin: string): string | undefined {
  if (origin === '*') return undefined;
  try {
    const url = new URL(origin);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin) return undefined;
  } catch {
    // Not a URL at all: reported below.
  }
  return 'expected an origin such as https://app.example.com, or *';
}

const checkToken = (what: string) => (item: string): string | undefined => (item === '*' || isHttpToken(item) ? undefined : `expected ${what} or *`);

function parseCors(checker: Checker, value: unknown, path: string): GroupCorsSettings | undefined {
  const fields = checker.object(value, path, ['allowOrigins', 'allowMethods', 'allowHeaders', 'exposeHeaders', 'maxAgeSeconds', 'allowCredentials']);
  if (!fields) return undefined;
  const allowOrigins = checker.strings(fields.allowOrigins, `${path}.allowOrigins`, checkOrigin);
  if (fields.allowOrigins === undefined || allowOrigins?.length === 0) checker.report(`${path}.allowOrigins`, 'required: at least one origin, or *');
  const allowMethods = checker.strings(fields.allowMethods, `${path}.allowMethods`, checkToken('an HTTP method'));
  const allowHeaders = checker.strings(fields.allowHeaders, `${path}.allowHeaders`, checkToken('a header name'));
  const exposeHeaders = checker.strings(fields.exposeHeaders, `${path}.exposeHeaders`, checkToken('a header name'));
  const maxAgeSeconds = checker.integer(fields.maxAgeSeconds, `${path}.maxAgeSeconds`, -1, maxPreflightAgeSeconds);
  const allowCredentials = checker.boolean(fields.allowCredentials, `${path}.allowCredentials`);
  // Fetch standard, CORS protocol: a response to a credentialed request may not allow every origin.
  if (allowCredentials === true && allowOrigins?.includes('*')) checker.report(`${path}.allowCredentials`, 'cannot be true when allowOrigins contains *');
  return {
    allowOrigins: allowOrigins ?? [],
    ...(allowMethods ? { allowMethods } : {}),
    ...(allowHeaders ? { allowHeaders } : {}),
    ...(exposeHeaders ? { exposeHeaders } : {}),
    ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
    ...(allowCredentials !== undefined ? { allowCredentials } : {}),
  };
}

function parseKeyFragments(checker: Checker, value: unknown, path: string): GroupCacheKeyFragment[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > 16) {
    checker.report(path, `expected a list of 1 to 16 key fragments, got ${show(value)}`);
    return undefined;
  }
  const out: GroupCacheKeyFragment[] = [];
  value.forEach((item: unknown, index) => {
    const at = `${path}[${index}]`;
    if (typeof item === 'string' && item !== '' && item.length <= maxTextLength) {
      out.push({ value: item });
      return;
    }
    const fields = isObject(item) ? checker.object(item, at, ['ref', 'value']) : undefined;
    if (!fields) {
      if (!isObject(item)) checker.report(at, `expected a text or {"ref": "<flow variable>"}, got ${show(item)}`);
      return;
    }
    const { ref, value: text } = fields;
    if (typeof ref === 'string' && text === undefined && variablePattern.test(ref)) out.push({ ref });
    else if (typeof text === 'string' && ref === undefined && text !== '' && text.length <= maxTextLength) out.push({ value: text });
    else checker.report(at, `expected {"ref": "<flow variable>"} or {"value": "<text>"}, got ${show(item)}`);
  });
  return out;
}

function checkCondition(checker: Checker, value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 1024) {
    checker.report(path, `expected a condition, got ${show(value)}`);
    return undefined;
  }
  try {
    parseCondition(value);
  } catch (err) {
    checker.report(path, `bad condition ${show(value)}: ${(err as Error).message}`);
    return undefined;
  }
  return value;
}

const responseCacheFields = ['timeoutInSeconds', 'keyFragments', 'excludeErrorResponse', 'useResponseCacheHeaders', 'useAcceptHeader', 'skipCacheLookup', 'skipCachePopulation'];

function parseResponseCache(checker: Checker, value: unknown, path: string): GroupResponseCacheSettings | undefined {
  const fields = checker.object(value, path, responseCacheFields);
  if (!fields) return undefined;
  if (fields.timeoutInSeconds === undefined) checker.report(`${path}.timeoutInSeconds`, 'required');
  const timeoutInSeconds = checker.integer(fields.timeoutInSeconds, `${path}.timeoutInSeconds`, 1, maxCacheTimeoutSeconds);
  const keyFragments = parseKeyFragments(checker, fields.keyFragments, `${path}.keyFragments`);
  const excludeErrorResponse = checker.boolean(fields.excludeErrorResponse, `${path}.excludeErrorResponse`);
  const useResponseCacheHeaders = checker.boolean(fields.useResponseCacheHeaders, `${path}.useResponseCacheHeaders`);
  const useAcceptHeader = checker.boolean(fields.useAcceptHeader, `${path}.useAcceptHeader`);
  const skipCacheLookup = checkCondition(checker, fields.skipCacheLookup, `${path}.skipCacheLookup`);
  const skipCachePopulation = checkCondition(checker, fields.skipCachePopulation, `${path}.skipCachePopulation`);
  return {
    timeoutInSeconds: timeoutInSeconds ?? 0,
    ...(keyFragments ? { keyFragments } : {}),
    ...(excludeErrorResponse !== undefined ? { excludeErrorResponse } : {}),
    ...(useResponseCacheHeaders !== undefined ? { useResponseCacheHeaders } : {}),
    ...(useAcceptHeader !== undefined ? { useAcceptHeader } : {}),
    ...(skipCacheLookup !== undefined ? { skipCacheLookup } : {}),
    ...(skipCachePopulation !== undefined ? { skipCachePopulation } : {}),
  };
}

/**
 * JSON `settings` → typed settings, every problem at once as `settings.cors.allowOrigins[1]: …`. Unknown fields are
 * problems (a typo must not silently disable a setting). `undefined` reads as no settings.
 */
export function parseProxyGroupSettings(value: unknown, path = 'settings'): { settings: ProxyGroupSettings; problems: string[] } {
  const checker = new Checker();
  if (value === undefined || value === null) return { settings: {}, problems: [] };
  const fields = checker.object(value, path, ['cors', 'responseCache']);
  if (!fields) return { settings: {}, problems: checker.problems };
  const cors = fields.cors === undefined || fields.cors === null ? undefined : parseCors(checker, fields.cors, `${path}.cors`);
  // The CORS policy's own rules too, so a group never stores what the policy would refuse at deploy.
  if (cors && checker.problems.length === 0) for (const problem of checkCorsConfig(toCorsConfig(cors))) checker.report(`${path}.cors`, problem);
  const responseCache = fields.responseCache === undefined || fields.responseCache === null ? undefined : parseResponseCache(checker, fields.responseCache, `${path}.responseCache`);
  return { settings: { ...(cors ? { cors } : {}), ...(responseCache ? { responseCache } : {}) }, problems: checker.problems };
}
