// Group-level settings applied to every member when a proxy group deploys (CORS, response caching), and what a deployment carries.

/** CORS for every member (the CORS policy's elements, as JSON lists). */
export interface GroupCorsSettings {
  /** Exact origins (`https://app.example.com`) or `*`. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight answer; -1 disables it. */
  readonly maxAgeSeconds?: number;
  readonly allowCredentials?: boolean;
}

/** One part of a cache key: a literal text or a flow variable's value (the ResponseCache policy's `<KeyFragment>`). */
export type GroupCacheKeyFragment = { readonly value: string } | { readonly ref: string };

/** Response caching for every member (the ResponseCache policy: lookup before the target, population after it). */
export interface GroupResponseCacheSettings {
  readonly timeoutInSeconds: number;
  /** Default: the request URI. */
  readonly keyFragments?: readonly GroupCacheKeyFragment[];
  /** When true, only responses with status 200-205 are cached (Apigee's default: false). */
  readonly excludeErrorResponse?: boolean;
  /** When true, the response's Cache-Control and Expires can shorten or prevent caching. */
  readonly useResponseCacheHeaders?: boolean;
  /** When true, the request's Accept* headers are part of the key. */
  readonly useAcceptHeader?: boolean;
  /** Condition: when true the lookup is skipped (the response is still cached). */
  readonly skipCacheLookup?: string;
  /** Condition: when true the response is not cached. */
  readonly skipCachePopulation?: string;
}

export interface ProxyGroupSettings {
  readonly cors?: GroupCorsSettings;
  readonly responseCache?: GroupResponseCacheSettings;
}

/** What a deployment made by a group carries: the group and the settings it was deployed with. */
export interface DeploymentGroup {
  readonly name: string;
  readonly settings: ProxyGroupSettings;
}

/** Same settings: what a deployment carries is compared with what the group has now (the field order is canonical). */
export function isSameDeploymentGroup(a: DeploymentGroup | undefined, b: DeploymentGroup | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
