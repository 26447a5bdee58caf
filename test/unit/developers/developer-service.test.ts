// The developer service: Edge shapes and errors for developers, apps, keys and products; atomic, index kept in step.
import { describe, expect, it } from 'vitest';
import { AdminError } from '../../../src/errors.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import { StoreError, type Store } from '../../../src/store/store.js';
import { createDeveloperFixture, seedApp } from './developer-fixture.js';

async function expectAdminError(promise: Promise<unknown> | (() => unknown), status: number, code: string): Promise<AdminError> {
  const err = await (typeof promise === 'function' ? Promise.resolve().then(promise) : promise).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AdminError);
  expect(err).toMatchObject({ status, code });
  return err as AdminError;
}

const ann = { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', userName: 'ann' };

describe('developers', () => {
  it('creates, reads (by email in any case, or by id), updates and lists developers in Edge shape', async () => {
    const { service } = createDeveloperFixture();
    const created = await service.createDeveloper('demo', { ...ann, attributes: [{ name: 'tier', value: 'gold' }] }, 'admin@test');
    expect(created).toMatchObject({
      apps: [], email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', userName: 'ann', status: 'active', organizationName: 'demo',
      attributes: [{ name: 'tier', value: 'gold' }], createdAt: 1_700_000_000_000, createdBy: 'admin@test', lastModifiedBy: 'admin@test',
    });
    expect(created.developerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(service.getDeveloper('demo', 'ANN@example.com').developerId).toBe(created.developerId);
    expect(service.getDeveloper('demo', created.developerId).email).toBe('ann@example.com');
    const updated = await service.updateDeveloper('demo', 'ann@example.com', { firstName: 'Anne', email: 'anne@example.com' }, 'ops@test');
    expect(updated).toMatchObject({ firstName: 'Anne', lastName: 'Lee', email: 'anne@example.com', developerId: created.developerId, lastModifiedBy: 'ops@test' });
    expect(service.listDevelopers('demo').map((d) => d.email)).toEqual(['anne@example.com']);
    await expectAdminError(() => service.getDeveloper('demo', 'ann@example.com'), 404, 'developer.service.DeveloperDoesNotExist');
    expect(service.listDevelopers('other')).toEqual([]);
  });

  it('answers Edge errors for missing, duplicate and invalid developers', async () => {
    const { service } = createDeveloperFixture();
    await service.createDeveloper('demo', ann, 'a');
    await expectAdminError(service.createDeveloper('demo', { ...ann, email: 'ANN@example.com' }, 'a'), 409, 'developer.service.DeveloperAlreadyExists');
    await expectAdminError(() => service.getDeveloper('demo', 'nobody@example.com'), 404, 'developer.service.DeveloperDoesNotExist');
    await expectAdminError(() => service.getDeveloper('demo', 'no-such-id'), 404, 'developer.service.DeveloperIdDoesNotExist');
    await expectAdminError(() => service.getDeveloper('nope', 'ann@example.com'), 404, 'messaging.config.beans.OrganizationDoesNotExist');
    const missing = await expectAdminError(service.createDeveloper('demo', { email: 'x@example.com' }, 'a'), 400, 'messaging.config.beans.InvalidParameter');
    expect(missing.message).toBe('firstName: required');
    await expectAdminError(service.createDeveloper('demo', { ...ann, email: 'not-an-email' }, 'a'), 400, 'messaging.config.beans.InvalidParameter');
    await expectAdminError(service.createDeveloper('demo', { ...ann, email: 'b@x.y', attributes: [{ value: 'no name' }] }, 'a'), 400, 'messaging.config.beans.InvalidParameter');
    await expectAdminError(service.setDeveloperStatus('demo', 'ann@example.com', 'sleeping', 'a'), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('deleting a developer deletes their apps and keys in the same commit', async () => {
    const fixture = createDeveloperFixture();
    const { consumerKey } = await seedApp(fixture);
    const deleted = await fixture.service.deleteDeveloper('demo', 'ann@example.com');
    expect(deleted.apps).toEqual(['weather']);
    expect(fixture.store.list('developer-apps')).toEqual([]);
    expect(verify(fixture, consumerKey)).toEqual({ ok: false, failure: 'InvalidApiKey' });
  });
});

describe('apps and keys', () => {
  it('creates an app with a generated credential (Edge shape) that the index verifies at once', async () => {
    const fixture = createDeveloperFixture();
    const { app, consumerKey, consumerSecret } = await seedApp(fixture);
    expect(app).toMatchObject({ name: 'weather', status: 'approved', appFamily: 'default', attributes: [], scopes: [], createdBy: 'admin@test' });
    expect(app.credentials).toEqual([{
      apiProducts: [{ apiproduct: 'gold', status: 'approved' }], attributes: [], consumerKey, consumerSecret,
      expiresAt: -1, issuedAt: 1_700_000_000_000, scopes: [], status: 'approved',
    }]);
    expect(consumerKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(consumerSecret).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(fixture.service.getDeveloper('demo', 'ann@example.com').apps).toEqual(['weather']);
    expect(fixture.service.getAppById('demo', app.appId).name).toBe('weather');
    expect(fixture.service.listOrganizationApps('demo').map((a) => a.appId)).toEqual([app.appId]);
    expect(verify(fixture, consumerKey).ok).toBe(true);
  });

  it('sets keyExpiresIn as expiresAt, and a manual product as pending', async () => {
    const fixture = createDeveloperFixture();
    await seedApp(fixture);
    await fixture.service.createProduct('demo', { name: 'silver', approvalType: 'manual' }, 'a');
    const app = await fixture.service.createApp('demo', 'ann@example.com', { name: 'maps', apiProducts: ['gold', 'silver'], keyExpiresIn: 60_000 }, 'a');
    expect(app.credentials[0]).toMatchObject({ expiresAt: 1_700_000_060_000, apiProducts: [{ apiproduct: 'gold', status: 'approved' }, { apiproduct: 'silver', status: 'pending' }] });
  });

  it('answers Edge errors for apps and keys', async () => {
    const fixture = createDeveloperFixture();
    const { service } = fixture;
    const { consumerKey } = await seedApp(fixture);
    await expectAdminError(service.createApp('demo', 'ann@example.com', { name: 'weather' }, 'a'), 409, 'developer.service.AppAlreadyExists');
    await expectAdminError(service.createApp('demo', 'bob@example.com', { name: 'x' }, 'a'), 404, 'developer.service.DeveloperDoesNotExist');
    const unknownProduct = await expectAdminError(service.createApp('demo', 'ann@example.com', { name: 'x', apiProducts: ['nope'] }, 'a'), 400, 'messaging.config.beans.InvalidParameter');
    expect(unknownProduct.message).toBe('API Product [nope] does not exist for tenant [demo]');
    const missingApp = await expectAdminError(() => service.getApp('demo', 'ann@example.com', 'nope'), 404, 'developer.service.AppDoesNotExist');
    expect(missingApp.message).toBe('App named nope does not exist under ann@example.com');
    await expectAdminError(() => service.getAppById('demo', 'nope'), 404, 'keymanagement.service.app_does_not_exist');
    const path = { organization: 'demo', developer: 'ann@example.com', app: 'weather', consumerKey: 'not-a-key' };
    await expectAdminError(() => service.getKey(path), 404, 'keymanagement.service.InvalidClientIdForGivenApp');
    await expectAdminError(service.importKey('demo', 'ann@example.com', 'weather', { consumerKey, consumerSecret: 'x' }, 'a'), 409, 'keymanagement.service.consumer_key_already_exists');
    await expectAdminError(service.importKey('demo', 'ann@example.com', 'weather', { consumerKey: 'k' }, 'a'), 400, 'messaging.config.beans.InvalidParameter');
    await expectAdminError(service.setKeyStatus({ ...path, consumerKey }, 'destroy', 'a'), 400, 'messaging.config.beans.InvalidParameter');
    await expectAdminError(service.removeKeyProduct({ ...path, consumerKey }, 'silver', 'a'), 400, 'messaging.config.beans.InvalidParameter');
  });

  it('approves and revokes keys, apps and key products, and the index follows each change', async () => {
    const fixture = createDeveloperFixture();
    const { service } = fixture;
    const { consumerKey } = await seedApp(fixture);
    const path = { organization: 'demo', developer: 'ann@example.com', app: 'weather', consumerKey };
    await service.setKeyStatus(path, 'revoke', 'a');
    expect(service.getKey(path).status).toBe('revoked');
    expect(verify(fixture, consumerKey)).toEqual({ ok: false, failure: 'NotApproved' });
    await service.setKeyStatus(path, 'approve', 'a');
    expect(verify(fixture, consumerKey).ok).toBe(true);

    await service.setAppStatus('demo', 'ann@example.com', 'weather', 'revoke', 'a');
    expect(verify(fixture, consumerKey)).toEqual({ ok: false, failure: 'NotApproved' });
    await service.setAppStatus('demo', 'ann@example.com', 'weather', 'approve', 'a');

    await service.setKeyProductStatus(path, 'gold', 'revoke', 'a');
    expect(service.getKey(path).apiProducts).toEqual([{ apiproduct: 'gold', status: 'revoked' }]);
    expect(verify(fixture, consumerKey)).toEqual({ ok: false, failure: 'InvalidApiKeyForGivenResource' });
    await service.setKeyProductStatus(path, 'gold', 'approve', 'a');

    await service.setDeveloperStatus('demo', 'ann@example.com', 'inactive', 'a');
    expect(verify(fixture, consumerKey)).toEqual({ ok: false, failure: 'DeveloperStatusNotActive' });
    await service.setDeveloperStatus('demo', 'ann@example.com', 'active', 'a');
    expect(verify(fixture, consumerKey).ok).toBe(true);
  });

  it('imports key pairs, adds and removes products, deletes keys', async () => {
    const fixture = createDeveloperFixture();
    const { service } = fixture;
    await seedApp(fixture);
    await service.createProduct('demo', { name: 'silver' }, 'a');
    const imported = await service.importKey('demo', 'ann@example.com', 'weather', { consumerKey: 'migrated-key-1', consumerSecret: 'migrated-secret' }, 'a');
    expect(imported).toMatchObject({ consumerKey: 'migrated-key-1', consumerSecret: 'migrated-secret', apiProducts: [], status: 'approved', expiresAt: -1 });
    const path = { organization: 'demo', developer: 'ann@example.com', app: 'weather', consumerKey: 'migrated-key-1' };
    expect(verify(fixture, 'migrated-key-1')).toEqual({ ok: false, failure: 'InvalidApiKeyForGivenResource' });
    const withProducts = await service.updateKey(path, { apiProducts: ['gold', 'silver'] }, 'a');
    expect(withProducts.apiProducts).toEqual([{ apiproduct: 'gold', status: 'approved' }, { apiproduct: 'silver', status: 'approved' }]);
    expect(verify(fixture, 'migrated-key-1').ok).toBe(true);
    const removed = await service.removeKeyProduct(path, 'gold', 'a');
    expect(removed.apiProducts).toEqual([{ apiproduct: 'silver', status: 'approved' }]);
    expect(service.getApp('demo', 'ann@example.com', 'weather').credentials).toHaveLength(2);
    await service.deleteKey(path, 'a');
    expect(service.getApp('demo', 'ann@example.com', 'weather').credentials).toHaveLength(1);
    expect(verify(fixture, 'migrated-key-1')).toEqual({ ok: false, failure: 'InvalidApiKey' });
  });

  it('keeps a key unique per organization, but the same key may live in another organization', async () => {
    const fixture = createDeveloperFixture();
    const { service } = fixture;
    const { consumerKey } = await seedApp(fixture);
    await service.createDeveloper('other', ann, 'a');
    await service.createApp('other', 'ann@example.com', { name: 'weather' }, 'a');
    const imported = await service.importKey('other', 'ann@example.com', 'weather', { consumerKey, consumerSecret: 's' }, 'a');
    expect(imported.consumerKey).toBe(consumerKey);
  });
});

describe('API products', () => {
  it('creates, updates, lists and deletes products in Edge shape', async () => {
    const { service } = createDeveloperFixture();
    const created = await service.createProduct('demo', {
      name: 'gold', displayName: 'Gold', approvalType: 'manual', environments: ['test'], proxies: ['weather'], apiResources: ['/forecast/**'],
      quota: '10', quotaInterval: 1, quotaTimeUnit: 'minute', attributes: [{ name: 'access', value: 'public' }], scopes: ['read'],
    }, 'a');
    expect(created).toEqual({
      apiResources: ['/forecast/**'], approvalType: 'manual', attributes: [{ name: 'access', value: 'public' }], createdAt: 1_700_000_000_000,
      createdBy: 'a', description: '', displayName: 'Gold', environments: ['test'], lastModifiedAt: 1_700_000_000_000, lastModifiedBy: 'a',
      name: 'gold', proxies: ['weather'], quota: '10', quotaInterval: '1', quotaTimeUnit: 'minute', scopes: ['read'],
    });
    const updated = await service.updateProduct('demo', 'gold', { environments: ['test', 'prod'], description: 'the best' }, 'b');
    expect(updated).toMatchObject({ environments: ['test', 'prod'], description: 'the best', proxies: ['weather'], lastModifiedBy: 'b' });
    expect(service.listProducts('demo').map((p) => p.name)).toEqual(['gold']);
    await service.deleteProduct('demo', 'gold');
    await expectAdminError(() => service.getProduct('demo', 'gold'), 404, 'keymanagement.service.apiproduct_doesnot_exist');
  });

  it('refuses duplicates, unknown environments and malformed quota settings', async () => {
    const { service } = createDeveloperFixture();
    await service.createProduct('demo', { name: 'gold' }, 'a');
    await expectAdminError(service.createProduct('demo', { name: 'gold' }, 'a'), 409, 'keymanagement.service.apiproduct_already_exists');
    for (const body of [{ name: 'x', environments: ['staging'] }, { name: 'x', quota: 'ten' }, { name: 'x', quotaTimeUnit: 'fortnight' },
      { name: 'x', approvalType: 'maybe' }, { name: 'x', apiResources: ['no-slash'] }, { name: 'a/b' }, {}]) {
      await expectAdminError(service.createProduct('demo', body, 'a'), 400, 'messaging.config.beans.InvalidParameter');
    }
    expect(service.listProducts('demo').map((p) => p.name)).toEqual(['gold']);
  });
});

describe('atomicity and the master key', () => {
  it('a failed commit changes neither the store nor the index', async () => {
    const store = createMemoryStore();
    let failing = false;
    const flaky: Store = { ...store, commit: (ops) => (failing ? Promise.reject(new StoreError('io', 'disk said no')) : store.commit(ops)) };
    const fixture = createDeveloperFixture({ store: flaky });
    const { consumerKey } = await seedApp(fixture);
    failing = true;
    const path = { organization: 'demo', developer: 'ann@example.com', app: 'weather', consumerKey };
    await expect(fixture.service.setKeyStatus(path, 'revoke', 'a')).rejects.toBeInstanceOf(StoreError);
    await expect(fixture.service.deleteDeveloper('demo', 'ann@example.com')).rejects.toBeInstanceOf(StoreError);
    expect(fixture.service.getKey(path).status).toBe('approved');
    expect(fixture.service.listDevelopers('demo')).toHaveLength(1);
    expect(verify(fixture, consumerKey).ok).toBe(true);
  });

  it('refuses to start over credentials sealed with another master key', async () => {
    const fixture = createDeveloperFixture();
    await seedApp(fixture);
    expect(() => createDeveloperFixture({ store: fixture.store })).toThrow(/master key does not match/);
    const again = createDeveloperFixture({ store: fixture.store, masterKey: fixture.masterKey });
    expect(again.service.getApp('demo', 'ann@example.com', 'weather').credentials).toHaveLength(1);
  });
});

function verify(fixture: ReturnType<typeof createDeveloperFixture>, consumerKey: string) {
  const result = fixture.keys.verify({ organization: 'demo', environment: 'test', apiProxy: 'weather', pathSuffix: '/forecast', consumerKey, now: fixture.clock });
  return result.ok ? { ok: true } : result;
}
