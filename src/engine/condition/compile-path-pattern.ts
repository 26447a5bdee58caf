// MatchesPath / LikePath / `~/`: path patterns where `*` is one segment and `**` any number of segments.
import { RE2JS } from 're2js';

/**
 * Compiles a path pattern once into an RE2 program (linear time in the value). Rules (compat §9):
 * - a segment `*` matches exactly one segment (which may be empty: `/a/*` matches `/a/`);
 * - a segment `**` matches any number of segments, none included (`/a/**` matches `/a`, `/a/b/c`);
 * - inside a segment, `*` matches characters other than `/` and `**` matches any characters;
 * - everything else is literal and case-sensitive; a trailing `/` in the value is an extra empty
 *   segment, so `/t1/` does not match `"/t1"`.
 * One exception, from Apigee's observed behaviour for the root resource: `"/"` also matches the empty
 * value, the `proxy.pathsuffix` of a request to the bare base path.
 */
export function compilePathPattern(pattern: string): (value: string) => boolean {
  if (pattern === '/') return (value) => value === '/' || value === '';
  if (!pattern.includes('*')) return (value) => value === pattern;
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, index) => {
    if (segment === '**') {
      source += index === 0 ? '[^/]*(?:/[^/]*)*' : '(?:/[^/]*)*';
      return;
    }
    if (index > 0) source += '/';
    source += toSegmentSource(segment);
  });
  const compiled = RE2JS.compile(source);
  return (value) => compiled.testExact(value);
}

function toSegmentSource(segment: string): string {
  return segment
    .split('**')
    .map((part) => part.split('*').map((literal) => RE2JS.quote(literal)).join('[^/]*'))
    .join('(?s:.*)');
}
