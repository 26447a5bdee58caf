// Finds the environment cache a cache policy names at deploy; an unknown name fails the deploy as Apigee's InvalidCacheResourceReference.
import type { Cache } from '../../caches/create-cache.js';
import type { PolicyCompileContext } from '../policy-type.js';

export function resolveCacheResource(name: string | undefined, ctx: PolicyCompileContext): Cache {
  const cache = ctx.services.caches.get(name);
  if (cache) return cache;
  const known = ctx.services.caches.list().map((c) => c.name).join(', ');
  throw new Error(`InvalidCacheResourceReference: <CacheResource> ${name ?? '(default)'} does not exist in environment ${ctx.environment} (caches: ${known})`);
}
