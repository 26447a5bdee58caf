// InvalidateCache per request: removes the entry under the composed key, or with PurgeChildEntries every key under it.
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { cacheKeyReadsContent, compileCacheKey } from '../shared/compile-cache-key.js';
import { resolveCacheResource } from '../shared/resolve-cache-resource.js';
import { parseInvalidateCache, type InvalidateCacheConfig } from './parse.js';

export function compileInvalidateCache(config: InvalidateCacheConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const cache = resolveCacheResource(config.cacheResource, ctx);
  const toKey = compileCacheKey(config.cacheKey, config.scope, ctx, config.cacheContext);
  return {
    readsContent: cacheKeyReadsContent(config.cacheKey),
    execute(flow) {
      const key = toKey(flow);
      if (config.purgeChildEntries) cache.deleteTree(key);
      else cache.delete(key);
    },
  };
}

export const invalidateCachePolicy: PolicyType<InvalidateCacheConfig> = {
  type: 'InvalidateCache',
  parse: parseInvalidateCache,
  compile: compileInvalidateCache,
};
