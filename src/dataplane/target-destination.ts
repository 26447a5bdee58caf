// Resolves where a target request goes: URL checks (http/https only, no userinfo) and the per-server origins of a LoadBalancer.
import { runtimeFault } from '../errors.js';
import type { HttpTargetConnectionConfig } from '../bundle/proxy-bundle.js';
import type { LoadBalancerMember } from './load-balancer.js';
import { toTargetServerOrigin, type TargetServerDefinition } from './target-server.js';

export interface TargetDestination {
  /** `scheme://host:port`, the key of the undici pool. */
  readonly origin: string;
  /** Host header value (`host[:port]`, port only when not the scheme default). */
  readonly hostHeader: string;
  /** `target.host`. */
  readonly hostname: string;
  readonly rejectUnauthorized: boolean;
}

/** Joins a URL or path and a suffix with exactly one `/` between them. */
function joinPath(base: string, suffix: string): string {
  if (suffix === '') return base;
  if (base.endsWith('/') && suffix.startsWith('/')) return base + suffix.slice(1);
  if (!base.endsWith('/') && !suffix.startsWith('/')) return `${base}/${suffix}`;
  return base + suffix;
}

/** `path` + `suffix`, then `?` and the queries joined with `&` (none when both are empty); queries without `?`. */
export function joinPathAndQuery(path: string, suffix: string, ownQuery: string, query: string): string {
  const joined = joinPath(path, suffix);
  const allQuery = ownQuery === '' ? query : query === '' ? ownQuery : `${ownQuery}&${query}`;
  return allQuery === '' ? joined : `${joined}?${allQuery}`;
}

/** A TargetEndpoint URL plus a path suffix and a query: the suffix goes before the URL's own query string (compat §6.4). */
export function appendToUrl(baseUrl: string, suffix: string, query: string): string {
  const queryAt = baseUrl.indexOf('?');
  return queryAt === -1 ? joinPathAndQuery(baseUrl, suffix, '', query) : joinPathAndQuery(baseUrl.slice(0, queryAt), suffix, baseUrl.slice(queryAt + 1), query);
}

// Text the WHATWG URL parser keeps as it is: in a path (no percent-encoding, no `\`), and in a special URL's query
// (which also encodes `'`). `%` stays `%` whether or not hex digits follow.
const PLAIN_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const PLAIN_QUERY = /^[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/** A `.` or `..` path segment, plain or percent-encoded: what a URL parser resolves away. */
export function hasDotSegment(path: string): boolean {
  return DOT_SEGMENT.test(path);
}

/** The configured URL of the URL form, parsed once: what a path suffix and query are appended to. */
export interface ParsedTargetUrl {
  readonly pathname: string;
  /** Without `?`; empty when the URL has none. */
  readonly query: string;
}

/** The pathname and query of a configured URL; undefined when it has a fragment (then every call takes the slow path). */
export function toParsedTargetUrl(url: string): ParsedTargetUrl | undefined {
  const parsed = new URL(url);
  return parsed.hash === '' ? { pathname: parsed.pathname, query: parsed.search.slice(1) } : undefined;
}

/**
 * The path and query `toUrlDestination(appendToUrl(url, suffix, query))` would send, built without parsing a URL
 * per request. Only when the suffix and query hold nothing the parser would change (no dot segments, no character
 * it percent-encodes); otherwise undefined, and the caller parses.
 */
export function toPlainTargetPath(base: ParsedTargetUrl, suffix: string, query: string): string | undefined {
  if (!PLAIN_PATH.test(suffix) || hasDotSegment(suffix) || !PLAIN_QUERY.test(query)) return undefined;
  return joinPathAndQuery(base.pathname, suffix, base.query, query);
}

/** Path and query to send, plus the destination; a URL that is not plain http(s) is the InvalidTargetUrl fault. */
export function toUrlDestination(url: string, rejectUnauthorized: boolean): { destination: TargetDestination; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw runtimeFault('InvalidTargetUrl', [], err);
  }
  assertPlainHttpUrl(parsed, () => runtimeFault('InvalidTargetUrl'));
  return {
    destination: { origin: parsed.origin, hostHeader: parsed.host, hostname: parsed.hostname, rejectUnauthorized },
    path: parsed.pathname + parsed.search,
  };
}

/**
 * Normalizes a path+query for an origin. The text is concatenated after the origin, never resolved against it,
 * so `//evil.example/x` or `@evil.example` stay paths on the chosen server (reliability-security §3.7, item 35);
 * dot segments are removed and a fragment is dropped.
 */
export function toOriginPath(destination: TargetDestination, pathAndQuery: string): string {
  const relative = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
  let parsed: URL;
  try {
    parsed = new URL(destination.origin + relative);
  } catch (err) {
    throw runtimeFault('InvalidTargetUrl', [], err);
  }
  if (parsed.origin !== destination.origin) throw runtimeFault('InvalidTargetUrl');
  return parsed.pathname + parsed.search;
}

/** Validates the configured URL of the URL form at creation (throws Error, so the deploy fails). */
export function toConfiguredUrlDestination(url: string, connection: HttpTargetConnectionConfig): TargetDestination {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`HTTPTargetConnection URL "${url}" is not an absolute URL`);
  }
  assertPlainHttpUrl(parsed, (why) => new Error(`HTTPTargetConnection URL "${url}": ${why}`));
  return { origin: parsed.origin, hostHeader: parsed.host, hostname: parsed.hostname, rejectUnauthorized: !(connection.ssl?.ignoreValidationErrors ?? false) };
}

/**
 * The LoadBalancer members with their origins. Disabled TargetServers are left out; an unknown name, a bad
 * weight, or no enabled server at all throws. A TargetServer's own SSLInfo wins over the connection's SSLInfo.
 * The definitions are captured now: a later change to a TargetServer applies at the next deploy.
 */
export function toLoadBalancerMembers(
  connection: HttpTargetConnectionConfig,
  targetServers: ReadonlyMap<string, TargetServerDefinition>,
): LoadBalancerMember<TargetDestination>[] {
  const lb = connection.loadBalancer;
  if (!lb) return [];
  if (lb.servers.length === 0) throw new Error('LoadBalancer: no <Server> configured');
  if (!Number.isSafeInteger(lb.maxFailures) || lb.maxFailures < 0) throw new Error(`LoadBalancer MaxFailures: expected an integer >= 0, got ${lb.maxFailures}`);
  const members: LoadBalancerMember<TargetDestination>[] = [];
  for (const server of lb.servers) {
    const definition = targetServers.get(server.name);
    if (!definition) throw new Error(`LoadBalancer Server "${server.name}": no TargetServer of that name in the environment`);
    if (!Number.isSafeInteger(server.weight) || server.weight < 1) throw new Error(`LoadBalancer Server "${server.name}": weight must be a positive integer, got ${server.weight}`);
    if (!definition.enabled) continue;
    if (!Number.isSafeInteger(definition.port) || definition.port < 1 || definition.port > 65535) {
      throw new Error(`TargetServer "${definition.name}": port must be an integer 1-65535, got ${definition.port}`);
    }
    const tlsEnabled = definition.ssl?.enabled ?? connection.ssl?.enabled ?? false;
    const ignoreValidation = definition.ssl ? definition.ssl.ignoreValidationErrors : (connection.ssl?.ignoreValidationErrors ?? false);
    let parsed: URL;
    try {
      parsed = new URL(toTargetServerOrigin(definition, tlsEnabled));
    } catch {
      throw new Error(`TargetServer "${definition.name}": host "${definition.host}" is not a valid host name`);
    }
    if (parsed.pathname !== '/' || parsed.username !== '' || parsed.search !== '') {
      throw new Error(`TargetServer "${definition.name}": host "${definition.host}" is not a valid host name`);
    }
    members.push({
      name: server.name,
      weight: server.weight,
      isFallback: server.isFallback,
      target: { origin: parsed.origin, hostHeader: parsed.host, hostname: parsed.hostname, rejectUnauthorized: !ignoreValidation },
    });
  }
  if (members.length === 0) throw new Error('LoadBalancer: every referenced TargetServer is disabled');
  return members;
}

function assertPlainHttpUrl(url: URL, fail: (why: string) => Error): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`scheme ${url.protocol} is not http: or https:`);
  // Credentials in a URL would be sent nowhere (undici ignores them) and end up in logs; refuse them.
  if (url.username !== '' || url.password !== '') throw fail('credentials in the URL are not supported');
  if (url.hostname === '') throw fail('no host');
}
