// LookupCache per request: reads the entry PopulateCache wrote under the same key into AssignTo; `lookupcache.<policy>.cachehit`.
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { CachedResponse } from '../response-cache/cached-response.js';
import { CachedValue } from '../shared/cached-value.js';
import { cacheKeyReadsContent, compileCacheKey } from '../shared/compile-cache-key.js';
import { resolveCacheResource } from '../shared/resolve-cache-resource.js';
import { parseLookupCache, type LookupCacheConfig } from './parse.js';

export function compileLookupCache(config: LookupCacheConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const cache = resolveCacheResource(config.cacheResource, ctx);
  const toKey = compileCacheKey(config.cacheKey, config.scope, ctx);
  const hitVariable = `lookupcache.${ctx.policy.name}.cachehit`;
  return {
    readsContent: cacheKeyReadsContent(config.cacheKey),
    execute(flow) {
      const found = cache.lookup(toKey(flow));
      const value = found.status !== 'hit' ? undefined
        : found.value instanceof CachedValue ? found.value.read()
          : found.value instanceof CachedResponse ? found.value.toMessage()
            : undefined;
      flow.setVariable(hitVariable, value !== undefined);
      if (value !== undefined) flow.setVariable(config.assignTo, value);
    },
  };
}

export const lookupCachePolicy: PolicyType<LookupCacheConfig> = {
  type: 'LookupCache',
  parse: parseLookupCache,
  compile: compileLookupCache,
};
