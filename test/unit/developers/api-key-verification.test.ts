// The in-memory API key index: every refusal reason, product coverage (environment, proxy, path), expiry.
import { describe, expect, it } from 'vitest';
import type { ApiKeyRequest } from '../../../src/developers/api-key-verifier.js';
import { createDeveloperFixture, seedApp, type DeveloperFixture } from './developer-fixture.js';

function request(fixture: DeveloperFixture, consumerKey: string, overrides: Partial<ApiKeyRequest> = {}): ApiKeyRequest {
  return { organization: 'demo', environment: 'test', apiProxy: 'weather', pathSuffix: '/forecast', consumerKey, now: fixture.clock, ...overrides };
}

describe('API key verification', () => {
  it('grants with the developer, app, credential, product and the secret opened on demand', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey, consumerSecret, app } = await seedApp(fixture);
    const result = fixture.keys.verify(request(fixture, consumerKey));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.grant.developer.email).toBe('ann@example.com');
    expect(result.grant.app.appId).toBe(app.appId);
    expect(result.grant.product.name).toBe('gold');
    expect(result.grant.consumerSecret()).toBe(consumerSecret);
  });

  it('refuses unknown keys, in another organization too', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture);
    expect(fixture.keys.verify(request(fixture, 'nope'))).toEqual({ ok: false, failure: 'InvalidApiKey' });
    expect(fixture.keys.verify(request(fixture, consumerKey, { organization: 'other' }))).toEqual({ ok: false, failure: 'InvalidApiKey' });
    expect(fixture.keys.verify(request(fixture, consumerKey.toLowerCase()))).toEqual({ ok: false, failure: 'InvalidApiKey' });
  });

  it('refuses an expired key from its expiry on', async () => {
    const fixture = createDeveloperFixture();
    await seedApp(fixture);
    const app = await fixture.service.createApp('demo', 'ann@example.com', { name: 'short', apiProducts: ['gold'], keyExpiresIn: 1000 }, 'a');
    const key = app.credentials[0]!.consumerKey;
    expect(fixture.keys.verify(request(fixture, key, { now: fixture.clock + 999 })).ok).toBe(true);
    expect(fixture.keys.verify(request(fixture, key, { now: fixture.clock + 1000 }))).toEqual({ ok: false, failure: 'ConsumerKeyExpired' });
  });

  it.each([
    ['an environment outside the product', { environments: ['prod'] }, {}],
    ['a proxy outside the product', { proxies: ['maps'] }, {}],
    ['a path outside the product', { apiResources: ['/current'] }, {}],
    ['a path two levels down with /*', { apiResources: ['/*'] }, { pathSuffix: '/forecast/today' }],
  ])('refuses %s with InvalidApiKeyForGivenResource', async (_what, product, overrides) => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture, product);
    expect(fixture.keys.verify(request(fixture, consumerKey, overrides))).toEqual({ ok: false, failure: 'InvalidApiKeyForGivenResource' });
  });

  it('grants when the product lists this environment, proxy and path', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture, { environments: ['test'], proxies: ['weather'], apiResources: ['/forecast/**'] });
    expect(fixture.keys.verify(request(fixture, consumerKey, { pathSuffix: '/forecast/today' })).ok).toBe(true);
    expect(fixture.keys.verify(request(fixture, consumerKey, { environment: 'prod' })).ok).toBe(false);
  });

  it('uses the first approved product that covers the request, skipping pending, revoked and deleted ones', async () => {
    const fixture = createDeveloperFixture();
    const { service } = fixture;
    await seedApp(fixture, { environments: ['prod'] });
    await service.createProduct('demo', { name: 'pending', approvalType: 'manual' }, 'a');
    await service.createProduct('demo', { name: 'gone' }, 'a');
    await service.createProduct('demo', { name: 'silver', quota: '5', quotaInterval: '1', quotaTimeUnit: 'minute' }, 'a');
    const app = await service.createApp('demo', 'ann@example.com', { name: 'multi', apiProducts: ['gold', 'pending', 'gone', 'silver'] }, 'a');
    await service.deleteProduct('demo', 'gone');
    const result = fixture.keys.verify(request(fixture, app.credentials[0]!.consumerKey));
    expect(result.ok && result.grant.product.name).toBe('silver');
  });

  it('sees product changes at once: a product narrowed to prod stops granting in test', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture);
    expect(fixture.keys.verify(request(fixture, consumerKey)).ok).toBe(true);
    await fixture.service.updateProduct('demo', 'gold', { environments: ['prod'] }, 'a');
    expect(fixture.keys.verify(request(fixture, consumerKey))).toEqual({ ok: false, failure: 'InvalidApiKeyForGivenResource' });
  });

  it('rebuilds the same index from the store (a restart)', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture);
    const restarted = createDeveloperFixture({ store: fixture.store, masterKey: fixture.masterKey });
    expect(restarted.keys.verify(request(restarted, consumerKey)).ok).toBe(true);
  });
});
