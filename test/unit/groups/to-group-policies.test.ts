// Group settings → the CORS and ResponseCache policies' own configs, and where each goes in a member.
import { describe, expect, it } from 'vitest';
import { parseProxyGroupSettings } from '../../../src/groups/parse-proxy-group-settings.js';
import { toCorsConfig, toGroupPolicies, toResponseCacheConfig } from '../../../src/groups/to-group-policies.js';

describe('toGroupPolicies', () => {
  it('maps CORS lists to the policy\'s comma-separated texts', () => {
    expect(toCorsConfig({ allowOrigins: ['https://a.example', 'https://b.example'], allowMethods: ['GET', 'PUT'], allowHeaders: ['X-A'], exposeHeaders: ['X-B'], maxAgeSeconds: 60, allowCredentials: true })).toEqual({
      allowOrigins: 'https://a.example, https://b.example', allowMethods: 'GET, PUT', allowHeaders: 'X-A', exposeHeaders: 'X-B', maxAge: 60, allowCredentials: true,
    });
    expect(toCorsConfig({ allowOrigins: ['*'] })).toEqual({ allowOrigins: '*' });
  });

  it('maps response caching to an Exclusive-scope ResponseCache keyed on the request URI by default', () => {
    expect(toResponseCacheConfig({ timeoutInSeconds: 30 })).toEqual({
      cacheKey: { fragments: [{ ref: 'request.uri' }] }, scope: 'Exclusive', expiry: { timeoutInSec: { value: 30 } },
      excludeErrorResponse: false, useResponseCacheHeaders: false, useAcceptHeader: false,
    });
    expect(toResponseCacheConfig({
      timeoutInSeconds: 5, keyFragments: [{ ref: 'request.header.tenant' }, { value: 'v2' }], excludeErrorResponse: true,
      useResponseCacheHeaders: true, useAcceptHeader: true, skipCacheLookup: 'request.verb != "GET"', skipCachePopulation: 'response.status.code >= 400',
    })).toEqual({
      cacheKey: { fragments: [{ ref: 'request.header.tenant' }, { text: 'v2' }] }, scope: 'Exclusive', expiry: { timeoutInSec: { value: 5 } },
      excludeErrorResponse: true, useResponseCacheHeaders: true, useAcceptHeader: true,
      skipCacheLookup: 'request.verb != "GET"', skipCachePopulation: 'response.status.code >= 400',
    });
  });

  it('places CORS first in the request, the cache lookup after the member\'s request steps and its population after the target', () => {
    const policies = toGroupPolicies({ name: 'shop', settings: { cors: { allowOrigins: ['*'] }, responseCache: { timeoutInSeconds: 10 } } })!;
    expect(policies.map((p) => ({ name: p.config.name, type: p.config.type, file: p.config.file, placements: p.placements }))).toEqual([
      { name: 'ProxyGroup-CORS', type: 'CORS', file: 'proxygroups/shop', placements: ['proxy-request-first'] },
      { name: 'ProxyGroup-ResponseCache', type: 'ResponseCache', file: 'proxygroups/shop', placements: ['proxy-request-last', 'target-response-last'] },
    ]);
    expect(toGroupPolicies({ name: 'shop', settings: {} })).toBeUndefined();
    expect(toGroupPolicies(undefined)).toBeUndefined();
  });

  it('validates cache conditions at save', () => {
    const { settings, problems } = parseProxyGroupSettings({ responseCache: { timeoutInSeconds: 1, skipCacheLookup: 'request.verb = "POST"', skipCachePopulation: 'a ==' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^settings\.responseCache\.skipCachePopulation: bad condition "a ==": /);
    expect(settings.responseCache?.skipCacheLookup).toBe('request.verb = "POST"');
  });
});
