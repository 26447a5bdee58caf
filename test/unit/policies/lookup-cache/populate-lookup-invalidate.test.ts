import { describe, expect, it } from 'vitest';
import { createEnvironmentCaches } from '../../../../src/caches/create-environment-caches.js';
import type { FlowContext } from '../../../../src/engine/flow-context.js';
import { Message } from '../../../../src/engine/message.js';
import { PolicyFault } from '../../../../src/errors.js';
import { invalidateCachePolicy } from '../../../../src/policies/invalidate-cache/execute.js';
import { lookupCachePolicy } from '../../../../src/policies/lookup-cache/execute.js';
import { populateCachePolicy } from '../../../../src/policies/populate-cache/execute.js';
import { createTestPolicyServices } from '../../../helpers/create-test-policy-services.js';
import { compilePolicy, createFlowContext, executeExpectingFault } from '../policy-test-kit.js';

function setup() {
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const services = createTestPolicyServices({ now: clock.now, caches: createEnvironmentCaches([{ name: 'small', maxEntries: 2, maxBytes: 10_000, maxEntryBytes: 200, expirySeconds: 30 }], clock.now) });
  const key = '<CacheKey><KeyFragment ref="request.queryparam.user"/><KeyFragment>token</KeyFragment></CacheKey>';
  const populate = compilePolicy(populateCachePolicy, `<PopulateCache name="PC">${key}<CacheResource>small</CacheResource><Source>flow.token</Source></PopulateCache>`, { services });
  const lookup = compilePolicy(lookupCachePolicy, `<LookupCache name="LC">${key}<CacheResource>small</CacheResource><AssignTo>flow.cached</AssignTo></LookupCache>`, { services });
  return { clock, services, populate, lookup, key };
}

function ctxFor(user: string, vars: Record<string, unknown> = {}): FlowContext {
  const request = new Message('request');
  request.setQueryString(`user=${user}`);
  const ctx = createFlowContext({ request });
  for (const [name, value] of Object.entries(vars)) ctx.setVariable(name, value);
  return ctx;
}

describe('PopulateCache, LookupCache and InvalidateCache', () => {
  it('stores a copy of the Source and assigns it on lookup until the cache default expiry', async () => {
    const { clock, populate, lookup } = setup();
    await populate.execute(ctxFor('ann', { 'flow.token': 'abc' }));
    const hit = ctxFor('ann');
    await lookup.execute(hit);
    expect(hit.getVariable('flow.cached')).toBe('abc');
    expect(hit.getVariable('lookupcache.LC.cachehit')).toBe(true);
    const other = ctxFor('bob', { 'flow.cached': 'unchanged' });
    await lookup.execute(other);
    expect(other.getVariable('flow.cached')).toBe('unchanged');
    expect(other.getVariable('lookupcache.LC.cachehit')).toBe(false);
    clock.advance(30_000);
    const expired = ctxFor('ann');
    await lookup.execute(expired);
    expect(expired.getVariable('lookupcache.LC.cachehit')).toBe(false);
  });

  it('caches nothing for an unset Source, copies objects and messages, and refuses what cannot be copied', async () => {
    const { populate, lookup } = setup();
    await populate.execute(ctxFor('none'));
    const miss = ctxFor('none');
    await lookup.execute(miss);
    expect(miss.getVariable('lookupcache.LC.cachehit')).toBe(false);

    const object = { roles: ['a'] };
    await populate.execute(ctxFor('obj', { 'flow.token': object }));
    object.roles.push('changed after caching');
    const read = ctxFor('obj');
    await lookup.execute(read);
    expect(read.getVariable('flow.cached')).toEqual({ roles: ['a'] });

    const message = new Message('response');
    message.setContent('cached body');
    await populate.execute(ctxFor('msg', { 'flow.token': message }));
    const readMessage = ctxFor('msg');
    await lookup.execute(readMessage);
    expect((readMessage.getVariable('flow.cached') as Message).contentText).toBe('cached body');

    const fault = await executeExpectingFault(populate, ctxFor('fn', { 'flow.token': () => 1 }));
    expect(fault).toBeInstanceOf(PolicyFault);
    expect((fault as PolicyFault).errorCode).toBe('steps.populatecache.EntryCannotBeCached');
  });

  it('shares entries between policies through the cache resource, bounded by its limits', async () => {
    const { services, populate } = setup();
    for (const user of ['a', 'b', 'c']) await populate.execute(ctxFor(user, { 'flow.token': user }));
    expect(services.caches.get('small')!.stats().entries).toBe(2);
    await populate.execute(ctxFor('big', { 'flow.token': 'x'.repeat(500) }));
    expect(services.caches.get('small')!.lookup('org__test__api__1__default__big__token').status).toBe('miss');
  });

  it('invalidates one key, or the key and its children with PurgeChildEntries', async () => {
    const { services, populate, lookup } = setup();
    const invalidate = compilePolicy(invalidateCachePolicy, '<InvalidateCache name="IC"><CacheKey><KeyFragment ref="request.queryparam.user"/><KeyFragment>token</KeyFragment></CacheKey><CacheResource>small</CacheResource></InvalidateCache>', { services });
    await populate.execute(ctxFor('ann', { 'flow.token': 'abc' }));
    await invalidate.execute(ctxFor('ann'));
    const after = ctxFor('ann');
    await lookup.execute(after);
    expect(after.getVariable('lookupcache.LC.cachehit')).toBe(false);

    const cache = services.caches.get(undefined)!;
    const expiresAt = services.now() + 10_000;
    for (const key of ['org__test__api__1__default__ann', 'org__test__api__1__default__ann__x', 'org__test__api__1__default__anna']) cache.put(key, key, { sizeBytes: 1, expiresAt });
    const purge = compilePolicy(invalidateCachePolicy, '<InvalidateCache name="IP"><CacheKey><KeyFragment ref="request.queryparam.user"/></CacheKey><PurgeChildEntries>true</PurgeChildEntries></InvalidateCache>', { services });
    await purge.execute(ctxFor('ann'));
    expect(cache.stats().entries).toBe(1);
    expect(cache.lookup('org__test__api__1__default__anna').status).toBe('hit');
  });

  it('clears another proxy\'s entries through CacheContext', async () => {
    const { services } = setup();
    const cache = services.caches.get(undefined)!;
    cache.put('org__test__other__1__edge__k', 'v', { sizeBytes: 1, expiresAt: services.now() + 10_000 });
    const invalidate = compilePolicy(invalidateCachePolicy, '<InvalidateCache name="IC"><CacheKey><KeyFragment>k</KeyFragment></CacheKey><CacheContext><APIProxyName>other</APIProxyName><ProxyName>edge</ProxyName></CacheContext><Scope>Proxy</Scope></InvalidateCache>', { services });
    await invalidate.execute(ctxFor('x'));
    expect(cache.lookup('org__test__other__1__edge__k').status).toBe('miss');
  });
});
