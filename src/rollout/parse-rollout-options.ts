// `baton rollout` arguments → validated, bounded RolloutOptions; every problem is reported at once.
import { extname } from 'node:path';
import { parseArgs } from 'node:util';

export type RolloutMode = 'seamless' | 'plain';
export type ManagementCredentials = { readonly user: string; readonly password: string } | { readonly token: string };

export interface RolloutOptions {
  /** Management API base, without a trailing `/` and without `/v1`. */
  readonly managementUrl: string;
  readonly organization: string;
  readonly environment: string;
  readonly api: string;
  readonly revision: number;
  readonly targetUrl: string;
  readonly mode: RolloutMode;
  readonly delaySeconds: number;
  readonly basePath: string | undefined;
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly connections: number;
  /** Requests per second over all connections; undefined: as fast as the target answers. */
  readonly overallRate: number | undefined;
  readonly method: 'GET' | 'POST';
  readonly bodyPath: string | undefined;
  readonly contentType: string | undefined;
  readonly credentials: ManagementCredentials;
  /** Lower-case header name. */
  readonly revisionHeader: string;
  readonly expectLeftover: boolean;
  readonly json: boolean;
  readonly insecure: boolean;
}

export type ParsedRolloutArgs = { readonly help: true } | { readonly help: false; readonly options: RolloutOptions };

/** Wrong or missing arguments: the command prints them with the usage text and exits 2. */
export class RolloutUsageError extends Error {
  override name = 'RolloutUsageError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.problems = problems;
  }
}

export const rolloutLimits = {
  maxPhaseSeconds: 600, // --before, --after and --delay: a rollout check, not a soak test
  maxConnections: 1000,
  maxRate: 100_000, // req/s; one autocannon thread tops out well below this
} as const;

export const rolloutDefaults = {
  mode: 'seamless' as RolloutMode,
  delaySeconds: 5,
  beforeSeconds: 5,
  afterSeconds: 5,
  connections: 10,
  revisionHeader: 'x-baton-revision',
} as const;

const optionSpec = {
  management: { type: 'string' }, org: { type: 'string' }, env: { type: 'string' }, api: { type: 'string' },
  revision: { type: 'string' }, target: { type: 'string' }, mode: { type: 'string' }, delay: { type: 'string' },
  basepath: { type: 'string' }, before: { type: 'string' }, after: { type: 'string' }, connections: { type: 'string' },
  rate: { type: 'string' }, method: { type: 'string' }, body: { type: 'string' }, 'content-type': { type: 'string' },
  user: { type: 'string' }, password: { type: 'string' }, token: { type: 'string' }, 'revision-header': { type: 'string' },
  'expect-leftover': { type: 'boolean' }, json: { type: 'boolean' }, insecure: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

// Apigee names: letters, digits and . _ $ % - (and spaces, which tooling rarely uses).
const namePattern = /^[A-Za-z0-9._$%-][A-Za-z0-9._$% -]{0,254}$/;
// RFC 9110 §5.6.2 token.
const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// RFC 3986 path characters.
const basePathPattern = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,254}$/;
const contentTypePattern = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[^\r\n]{1,200})?$/;

const contentTypesByExtension: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain',
};

type Values = { [K in keyof typeof optionSpec]?: (typeof optionSpec)[K]['type'] extends 'boolean' ? boolean : string };

/** Parses `baton rollout` arguments; secrets may come from BATON_ROLLOUT_PASSWORD / BATON_ROLLOUT_TOKEN. */
export function parseRolloutOptions(args: readonly string[], env: NodeJS.ProcessEnv): ParsedRolloutArgs {
  let values: Values;
  try {
    const parsed = parseArgs({ args: [...args], options: optionSpec, allowPositionals: true, strict: true });
    if (parsed.positionals.length > 0) throw new RolloutUsageError([`unexpected argument: ${parsed.positionals[0]}`]);
    values = parsed.values;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new RolloutUsageError([(err as Error).message]);
    throw err;
  }
  if (values.help === true) return { help: true };

  const problems: string[] = [];
  const required = (name: keyof Values): string | undefined => {
    const value = values[name];
    if (typeof value === 'string' && value !== '') return value;
    problems.push(`--${name} is required`);
    return undefined;
  };
  const name = (flag: 'org' | 'env' | 'api'): string => {
    const value = required(flag);
    if (value !== undefined && !namePattern.test(value)) problems.push(`--${flag}: expected a name of letters, digits and . _ $ % -, got ${JSON.stringify(value)}`);
    return value ?? '';
  };

  const managementUrl = readManagementUrl(required('management'), problems);
  const organization = name('org');
  const environment = name('env');
  const api = name('api');
  const revision = readInteger(problems, 'revision', required('revision'), { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? 0;
  const targetUrl = readHttpUrl(problems, 'target', required('target')) ?? '';
  const mode = readChoice(problems, 'mode', values.mode, ['seamless', 'plain'] as const) ?? rolloutDefaults.mode;
  const delaySeconds = readInteger(problems, 'delay', values.delay, { min: 0, max: rolloutLimits.maxPhaseSeconds }) ?? rolloutDefaults.delaySeconds;
  const beforeSeconds = readSeconds(problems, 'before', values.before) ?? rolloutDefaults.beforeSeconds;
  const afterSeconds = readSeconds(problems, 'after', values.after) ?? rolloutDefaults.afterSeconds;
  const connections = readInteger(problems, 'connections', values.connections, { min: 1, max: rolloutLimits.maxConnections }) ?? rolloutDefaults.connections;
  const overallRate = readInteger(problems, 'rate', values.rate, { min: 1, max: rolloutLimits.maxRate });
  const method = readChoice(problems, 'method', values.method?.toUpperCase(), ['GET', 'POST'] as const) ?? 'GET';

  const basePath = values.basepath;
  if (basePath !== undefined && !basePathPattern.test(basePath)) problems.push(`--basepath: expected a path starting with /, got ${JSON.stringify(basePath)}`);
  const bodyPath = values.body;
  if (bodyPath !== undefined && method !== 'POST') problems.push('--body needs --method POST');
  let contentType = values['content-type'];
  if (contentType !== undefined && bodyPath === undefined) problems.push('--content-type needs --body');
  if (contentType !== undefined && !contentTypePattern.test(contentType)) problems.push(`--content-type: expected a media type, got ${JSON.stringify(contentType)}`);
  if (contentType === undefined && bodyPath !== undefined) contentType = contentTypesByExtension[extname(bodyPath).toLowerCase()] ?? 'application/octet-stream';

  const revisionHeader = (values['revision-header'] ?? rolloutDefaults.revisionHeader).toLowerCase();
  if (!headerNamePattern.test(revisionHeader)) problems.push(`--revision-header: expected a header name, got ${JSON.stringify(values['revision-header'])}`);
  const credentials = readCredentials(values, env, problems);

  if (problems.length > 0) throw new RolloutUsageError(problems);
  return {
    help: false,
    options: Object.freeze({
      managementUrl, organization, environment, api, revision, targetUrl, mode, delaySeconds,
      basePath, beforeMs: beforeSeconds * 1000, afterMs: afterSeconds * 1000, connections, overallRate, method,
      bodyPath, contentType, credentials: credentials!, revisionHeader,
      expectLeftover: values['expect-leftover'] === true, json: values.json === true, insecure: values.insecure === true,
    }),
  };
}

function readCredentials(values: Values, env: NodeJS.ProcessEnv, problems: string[]): ManagementCredentials | undefined {
  const user = values.user;
  const token = values.token;
  if (user !== undefined && token !== undefined) {
    problems.push('give either --user (with a password) or --token, not both');
    return undefined;
  }
  if (values.password !== undefined && user === undefined) {
    problems.push('--password needs --user');
    return undefined;
  }
  if (user !== undefined) {
    const password = values.password ?? env.BATON_ROLLOUT_PASSWORD;
    if (user === '' || password === undefined || password === '') {
      problems.push('--user needs a password: --password or BATON_ROLLOUT_PASSWORD');
      return undefined;
    }
    return { user, password };
  }
  const bearer = token ?? env.BATON_ROLLOUT_TOKEN;
  if (bearer === undefined || bearer === '') {
    problems.push('management credentials are required: --user with --password (or BATON_ROLLOUT_PASSWORD), or --token (or BATON_ROLLOUT_TOKEN)');
    return undefined;
  }
  return { token: bearer };
}

function readManagementUrl(raw: string | undefined, problems: string[]): string {
  const url = readHttpUrl(problems, 'management', raw);
  if (url === undefined) return '';
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') {
    problems.push('--management: put credentials in --user/--password or --token, not in the URL');
    return '';
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    problems.push('--management: expected a base URL without a query or fragment');
    return '';
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '').replace(/\/v1$/, '');
}

function readHttpUrl(problems: string[], flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    problems.push(`--${flag}: expected an http or https URL, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    problems.push(`--${flag}: expected an http or https URL, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return parsed.href;
}

function readInteger(problems: string[], flag: string, raw: string | undefined, range: { min: number; max: number }): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    problems.push(`--${flag}: expected an integer ${range.min}-${range.max}, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return value;
}

function readSeconds(problems: string[], flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d{1,3}(\.\d{1,3})?$/.test(raw) || value > rolloutLimits.maxPhaseSeconds) {
    problems.push(`--${flag}: expected seconds 0-${rolloutLimits.maxPhaseSeconds} (up to 3 decimals), got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return value;
}

function readChoice<T extends string>(problems: string[], flag: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  problems.push(`--${flag}: expected ${choices.join(' or ')}, got ${JSON.stringify(raw)}`);
  return undefined;
}
