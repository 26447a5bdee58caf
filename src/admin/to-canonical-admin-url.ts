// Rewrites a management-API request URL to the one form routes are registered in (compat §1.1).

/**
 * Collapses runs of `/`, drops one trailing `/`, and expands `/v1/o/{org}` and `/v1/organizations/{org}/e/{env}`
 * to their long forms. The query string is kept as sent. A URL not starting with `/` (absolute-form, `*`) is
 * returned unchanged and will not match a route.
 */
export function toCanonicalAdminUrl(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart);
  if (!path.startsWith('/')) return url;
  let collapsed = path.replace(/\/{2,}/g, '/');
  if (collapsed.length > 1 && collapsed.endsWith('/')) collapsed = collapsed.slice(0, -1);
  const segments = collapsed.split('/');
  // segments[0] is the empty string before the leading slash.
  if (segments[1] === 'v1' && segments[2] === 'o') segments[2] = 'organizations';
  if (segments[1] === 'v1' && segments[2] === 'organizations' && segments[4] === 'e') segments[4] = 'environments';
  return segments.join('/') + query;
}
