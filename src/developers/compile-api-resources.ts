// API product resource paths compiled once into a matcher over `proxy.pathsuffix` (no regex: segments only).

/** True when a request's path suffix (relative to the proxy base path) is one of the product's resources. */
export type ResourceMatcher = (pathSuffix: string) => boolean;

const matchAll: ResourceMatcher = () => true;

/**
 * Edge semantics: no resources, `/` or `/**` allow every path (Edge's default for `/`, without the org flag that
 * restricts it to the base path); `/*` one segment below the base path; `**` any number of segments (zero
 * included, so `/a/**` matches `/a`), `*` exactly one, other segments literally. A trailing `/` is ignored.
 */
export function compileApiResources(patterns: readonly string[]): ResourceMatcher {
  const compiled = patterns.map(toSegments);
  if (compiled.length === 0 || compiled.some((segments) => segments.length === 0 || (segments.length === 1 && segments[0] === '**'))) return matchAll;
  return (pathSuffix) => {
    const path = toSegments(pathSuffix);
    return compiled.some((pattern) => matchSegments(pattern, path));
  };
}

/** `/a/b/` → `['a', 'b']`; `` and `/` → `[]`. */
function toSegments(path: string): string[] {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '') return [];
  return (trimmed.startsWith('/') ? trimmed.slice(1) : trimmed).split('/');
}

/** O(pattern × path) dynamic programming, so patterns with several `**` cannot backtrack exponentially. */
function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  let previous: boolean[] = [true, ...path.map(() => false)];
  for (const segment of pattern) {
    const current: boolean[] = new Array<boolean>(path.length + 1).fill(false);
    for (let j = 0; j <= path.length; j++) {
      if (segment === '**') current[j] = previous[j]! || (j > 0 && current[j - 1]!);
      else current[j] = j > 0 && previous[j - 1]! && (segment === '*' || segment === path[j - 1]);
    }
    previous = current;
  }
  return previous[path.length]!;
}
