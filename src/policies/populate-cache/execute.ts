// PopulateCache per request: stores a copy of the Source variable under the composed key until its expiry.
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { toCachedValue } from '../shared/cached-value.js';
import { cacheKeyReadsContent, compileCacheKey } from '../shared/compile-cache-key.js';
import { compileExpiry } from '../shared/compile-expiry.js';
import { isContentVariable } from '../shared/is-content-variable.js';
import { resolveCacheResource } from '../shared/resolve-cache-resource.js';
import { toStepFault } from '../shared/to-step-fault.js';
import { parsePopulateCache, type PopulateCacheConfig } from './parse.js';

const MESSAGES = new Set(['request', 'response', 'message']);

export function compilePopulateCache(config: PopulateCacheConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const cache = resolveCacheResource(config.cacheResource, ctx);
  const toKey = compileCacheKey(config.cacheKey, config.scope, ctx);
  const expiry = compileExpiry(config.expiry, cache.limits.expirySeconds);
  const policyName = ctx.policy.name;
  const now = ctx.services.now;
  return {
    // A message Source (`response`) is copied with its body, so that body must be buffered too.
    readsContent: cacheKeyReadsContent(config.cacheKey) || isContentVariable(config.source) || MESSAGES.has(config.source),
    execute(flow) {
      const value = flow.getVariable(config.source);
      if (value === undefined || value === null) return;
      const entry = toCachedValue(value);
      // Apigee's runtime error for a value it cannot serialize.
      if (!entry) throw toStepFault('PopulateCache', 'EntryCannotBeCached', `An entry cannot be cached: ${config.source} holds a value that cannot be copied`, policyName);
      // A value over the cache's per-entry limit is not stored (our choice: no fault, as for ResponseCache).
      cache.put(toKey(flow), entry, { sizeBytes: entry.sizeBytes, expiresAt: expiry(flow, now()) });
    },
  };
}

export const populateCachePolicy: PolicyType<PopulateCacheConfig> = {
  type: 'PopulateCache',
  parse: parsePopulateCache,
  compile: compilePopulateCache,
};
