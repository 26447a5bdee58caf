import { describe, expect, it } from 'vitest';
import { createCache, type CacheLimits } from '../../../src/caches/create-cache.js';
import { createEnvironmentCaches } from '../../../src/caches/create-environment-caches.js';

const limits: CacheLimits = { maxEntries: 3, maxBytes: 1_000, maxEntryBytes: 500, expirySeconds: 300 };

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('createCache', () => {
  it('evicts the least recently used entry past maxEntries', () => {
    const clock = fakeClock();
    const cache = createCache('c', limits, clock.now);
    const put = (key: string) => cache.put(key, key, { sizeBytes: 10, expiresAt: clock.now() + 60_000 });
    put('a');
    put('b');
    put('c');
    expect(cache.lookup('a')).toEqual({ status: 'hit', value: 'a' });
    put('d');
    expect(cache.lookup('b')).toEqual({ status: 'miss' });
    expect(cache.lookup('a').status).toBe('hit');
    expect(cache.lookup('c').status).toBe('hit');
    expect(cache.lookup('d').status).toBe('hit');
    expect(cache.stats().entries).toBe(3);
  });

  it('evicts by bytes, counting keys, and refuses a value over maxEntryBytes', () => {
    const clock = fakeClock();
    const cache = createCache('c', { ...limits, maxEntries: 100 }, clock.now);
    const expiresAt = clock.now() + 60_000;
    expect(cache.put('k1', 'x', { sizeBytes: 400, expiresAt })).toBe(true);
    expect(cache.put('k2', 'y', { sizeBytes: 400, expiresAt })).toBe(true);
    expect(cache.stats().bytes).toBe(804);
    expect(cache.put('k3', 'z', { sizeBytes: 400, expiresAt })).toBe(true);
    expect(cache.lookup('k1').status).toBe('miss');
    expect(cache.stats()).toEqual({ entries: 2, bytes: 804 });
    expect(cache.put('big', 'w', { sizeBytes: 501, expiresAt })).toBe(false);
    expect(cache.lookup('big').status).toBe('miss');
    expect(cache.lookup('k2').status).toBe('hit');
  });

  it('reports an expired entry once, then forgets it', () => {
    const clock = fakeClock();
    const cache = createCache('c', limits, clock.now);
    cache.put('k', 'v', { sizeBytes: 1, expiresAt: clock.now() + 1_000 });
    clock.advance(999);
    expect(cache.lookup('k')).toEqual({ status: 'hit', value: 'v' });
    clock.advance(1);
    expect(cache.lookup('k')).toEqual({ status: 'expired' });
    expect(cache.lookup('k')).toEqual({ status: 'miss' });
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0 });
    expect(cache.put('old', 'v', { sizeBytes: 1, expiresAt: clock.now() })).toBe(false);
  });

  it('replaces an entry without double counting it', () => {
    const clock = fakeClock();
    const cache = createCache('c', limits, clock.now);
    cache.put('k', 'v1', { sizeBytes: 100, expiresAt: clock.now() + 1_000 });
    cache.put('k', 'v2', { sizeBytes: 50, expiresAt: clock.now() + 1_000 });
    expect(cache.stats()).toEqual({ entries: 1, bytes: 51 });
    expect(cache.lookup('k')).toEqual({ status: 'hit', value: 'v2' });
  });

  it('deletes a key with the keys under it, and nothing that only shares a prefix', () => {
    const clock = fakeClock();
    const cache = createCache('c', { ...limits, maxEntries: 10 }, clock.now);
    for (const key of ['p__a', 'p__a__1', 'p__a__2', 'p__ab', 'p__b']) cache.put(key, key, { sizeBytes: 1, expiresAt: clock.now() + 1_000 });
    expect(cache.deleteTree('p__a')).toBe(3);
    expect(['p__a', 'p__a__1', 'p__a__2', 'p__ab', 'p__b'].map((k) => cache.lookup(k).status)).toEqual(['miss', 'miss', 'miss', 'hit', 'hit']);
    expect(cache.delete('p__b')).toBe(true);
    expect(cache.delete('p__b')).toBe(false);
    expect(cache.clear()).toBe(1);
  });
});

describe('createEnvironmentCaches', () => {
  it('has an implicit default cache and the configured ones; a configured "default" replaces the implicit one', () => {
    const caches = createEnvironmentCaches([{ name: 'small', maxEntries: 1, maxBytes: 10, maxEntryBytes: 10, expirySeconds: 5 }], Date.now);
    expect(caches.list().map((c) => c.name)).toEqual(['default', 'small']);
    expect(caches.get(undefined)?.name).toBe('default');
    expect(caches.get('small')?.limits.expirySeconds).toBe(5);
    expect(caches.get('missing')).toBeUndefined();
    const replaced = createEnvironmentCaches([{ name: 'default', maxEntries: 2, maxBytes: 10, maxEntryBytes: 10, expirySeconds: 1 }], Date.now);
    expect(replaced.get(undefined)?.limits.maxEntries).toBe(2);
    expect(replaced.list()).toHaveLength(1);
  });
});
