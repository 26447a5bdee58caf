// The cache resources of one environment (from its config) plus the implicit default cache; they live as long as the gateway.
import type { CacheResourceConfig } from '../config.js';
import { defaultCacheResource } from '../config/default-config.js';
import { createCache, type Cache } from './create-cache.js';

export interface EnvironmentCaches {
  /** The cache named by a policy's `<CacheResource>`, or the default cache for `undefined`; undefined when not configured. */
  get(name: string | undefined): Cache | undefined;
  /** Every cache, the default one included, sorted by name. */
  list(): readonly Cache[];
}

/**
 * A configured cache named `default` replaces the implicit one (so its limits can be set); every other name is a
 * separate cache. Policies of every revision deployed in the environment share these objects, so entries
 * outlive revision swaps.
 */
export function createEnvironmentCaches(configs: readonly CacheResourceConfig[], now: () => number): EnvironmentCaches {
  const byName = new Map<string, Cache>();
  for (const config of configs) byName.set(config.name, createCache(config.name, config, now));
  if (!byName.has(defaultCacheResource.name)) byName.set(defaultCacheResource.name, createCache(defaultCacheResource.name, defaultCacheResource, now));
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    get: (name) => byName.get(name ?? defaultCacheResource.name),
    list: () => sorted,
  };
}
