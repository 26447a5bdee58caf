// Builds the policies a proxy group adds to each member at deploy from its settings, through the policies' own compile functions.
import type { PolicyConfig } from '../bundle/proxy-bundle.js';
import type { GroupPolicy } from '../engine/compile-revision.js';
import { compileCors } from '../policies/cors/execute.js';
import type { CorsConfig } from '../policies/cors/parse.js';
import { compileResponseCache } from '../policies/response-cache/execute.js';
import type { ResponseCacheConfig } from '../policies/response-cache/parse.js';
import type { DeploymentGroup, GroupCorsSettings, GroupResponseCacheSettings } from './proxy-group-settings.js';

function toPolicyConfig(group: string, name: string, type: string, config: unknown): PolicyConfig {
  return { name, type, file: `proxygroups/${group}`, enabled: true, continueOnError: false, displayName: `${type} of proxy group ${group}`, config };
}

/** The settings as the CORS policy's config: lists become the comma-separated element texts. */
export function toCorsConfig(cors: GroupCorsSettings): CorsConfig {
  return {
    allowOrigins: cors.allowOrigins.join(', '),
    ...(cors.allowMethods ? { allowMethods: cors.allowMethods.join(', ') } : {}),
    ...(cors.allowHeaders ? { allowHeaders: cors.allowHeaders.join(', ') } : {}),
    ...(cors.exposeHeaders ? { exposeHeaders: cors.exposeHeaders.join(', ') } : {}),
    ...(cors.maxAgeSeconds !== undefined ? { maxAge: cors.maxAgeSeconds } : {}),
    ...(cors.allowCredentials !== undefined ? { allowCredentials: cors.allowCredentials } : {}),
  };
}

/**
 * The settings as the ResponseCache policy's config: Apigee's default scope (Exclusive: the key names the proxy and
 * its revision, so members never share entries), the environment's default cache, the request URI as the key.
 */
export function toResponseCacheConfig(cache: GroupResponseCacheSettings): ResponseCacheConfig {
  return {
    cacheKey: { fragments: (cache.keyFragments ?? [{ ref: 'request.uri' }]).map((f) => ('ref' in f ? { ref: f.ref } : { text: f.value })) },
    scope: 'Exclusive',
    expiry: { timeoutInSec: { value: cache.timeoutInSeconds } },
    excludeErrorResponse: cache.excludeErrorResponse ?? false,
    useResponseCacheHeaders: cache.useResponseCacheHeaders ?? false,
    useAcceptHeader: cache.useAcceptHeader ?? false,
    ...(cache.skipCacheLookup !== undefined ? { skipCacheLookup: cache.skipCacheLookup } : {}),
    ...(cache.skipCachePopulation !== undefined ? { skipCachePopulation: cache.skipCachePopulation } : {}),
  };
}

/**
 * CORS first in every ProxyEndpoint's request (a preflight is answered before the member's own checks); the cache
 * lookup last in it (after the member's checks) and the population last in every TargetEndpoint's response (the
 * target's response, before the member's ProxyEndpoint response steps, as Apigee places it). Undefined when the
 * deployment is not a group's, or the group has no settings.
 */
export function toGroupPolicies(group: DeploymentGroup | undefined): GroupPolicy[] | undefined {
  if (!group) return undefined;
  const policies: GroupPolicy[] = [];
  const { cors, responseCache } = group.settings;
  if (cors) {
    const config = toCorsConfig(cors);
    policies.push({ config: toPolicyConfig(group.name, 'ProxyGroup-CORS', 'CORS', config), compile: (ctx) => compileCors(config, ctx), placements: ['proxy-request-first'] });
  }
  if (responseCache) {
    const config = toResponseCacheConfig(responseCache);
    policies.push({
      config: toPolicyConfig(group.name, 'ProxyGroup-ResponseCache', 'ResponseCache', config),
      compile: (ctx) => compileResponseCache(config, ctx),
      placements: ['proxy-request-last', 'target-response-last'],
    });
  }
  return policies.length > 0 ? policies : undefined;
}
