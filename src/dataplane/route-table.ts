// An environment's immutable routing snapshot: virtual host + longest base path on a segment boundary → ProxyEndpoint.
import FindMyWay from 'find-my-way';
import type { CompiledProxyEndpoint } from '../engine/compiled-revision.js';
import type { DeployedRevision } from './deployed-revision.js';

export interface RouteTarget {
  readonly deployed: DeployedRevision;
  readonly endpoint: CompiledProxyEndpoint;
  /** Effective base path: deployment base path + ProxyEndpoint BasePath. */
  readonly basePath: string;
}

export interface RouteMatch {
  readonly target: RouteTarget;
  /** `proxy.pathsuffix`: `""` or `/…`, taken from the path as sent. */
  readonly pathSuffix: string;
}

export interface RouteTable {
  readonly targets: readonly RouteTarget[];
  lookup(virtualHost: string, path: string): RouteMatch | undefined;
}

type Router = ReturnType<typeof FindMyWay>;

/** find-my-way reads `:` and `*` as syntax; a literal colon is written `::`. */
function toRoutePattern(basePath: string): string {
  return basePath.replace(/:/g, '::');
}

/** True when `path` starts with `basePath` on a segment boundary (compat §7.1). */
function isUnder(path: string, basePath: string): boolean {
  if (basePath === '/') return path.startsWith('/');
  return path === basePath || (path.startsWith(basePath) && path.charCodeAt(basePath.length) === 47 /* / */);
}

/**
 * Builds a snapshot from every deployed ProxyEndpoint. Never mutated after construction: a deploy builds a new
 * table beside the live one and swaps the reference (STYLE §3). Throws if two targets claim the same virtual host
 * and base path, which the deploy logic must have refused before.
 */
export function buildRouteTable(targets: readonly RouteTarget[]): RouteTable {
  const routers = new Map<string, Router>();
  const seen = new Set<string>();
  for (const target of targets) {
    for (const vh of target.endpoint.virtualHosts) {
      const key = `${vh} ${target.basePath}`;
      if (seen.has(key)) throw new Error(`base path ${target.basePath} is deployed twice on virtual host ${vh}`);
      seen.add(key);
      let router = routers.get(vh);
      if (!router) {
        router = FindMyWay({ caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 1 << 20 });
        routers.set(vh, router);
      }
      const pattern = toRoutePattern(target.basePath);
      const handler = (): void => {};
      router.on('GET', pattern, handler, target);
      router.on('GET', pattern === '/' ? '/*' : `${pattern}/*`, handler, target);
    }
  }
  return {
    targets,
    lookup(virtualHost, path) {
      const found = routers.get(virtualHost)?.find('GET', path);
      if (!found) return undefined;
      const target = found.store as RouteTarget;
      // find-my-way decodes percent-escapes while matching; the suffix must come from the path as sent.
      if (!isUnder(path, target.basePath)) return undefined;
      const pathSuffix = target.basePath === '/' ? (path === '/' ? '' : path) : path.slice(target.basePath.length);
      return { target, pathSuffix };
    },
  };
}

export const emptyRouteTable: RouteTable = buildRouteTable([]);
