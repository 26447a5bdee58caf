// Test fixture: a DeveloperService and its API key index over an in-memory store, with a settable clock.
import { randomBytes } from 'node:crypto';
import type { OrganizationConfig } from '../../../src/config.js';
import { createApiKeyIndex, type ApiKeyIndex } from '../../../src/developers/create-api-key-index.js';
import { createKeyVault } from '../../../src/developers/create-key-vault.js';
import { createDeveloperService, type DeveloperService } from '../../../src/developers/developer-service.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import type { Store } from '../../../src/store/store.js';

export interface DeveloperFixture {
  readonly store: Store;
  readonly masterKey: Buffer;
  readonly keys: ApiKeyIndex;
  readonly service: DeveloperService;
  /** Epoch ms the service and verifications see; tests move it. */
  clock: number;
}

export const organizations = [
  { name: 'demo', displayName: 'Demo', properties: {}, environments: [{ name: 'test' }, { name: 'prod' }] },
  { name: 'other', displayName: 'Other', properties: {}, environments: [{ name: 'test' }] },
] as unknown as OrganizationConfig[];

export function createDeveloperFixture(options: { store?: Store; masterKey?: Buffer } = {}): DeveloperFixture {
  const store = options.store ?? createMemoryStore();
  const masterKey = options.masterKey ?? randomBytes(32);
  const keys = createApiKeyIndex(store, createKeyVault(masterKey));
  const fixture: DeveloperFixture = {
    store,
    masterKey,
    keys,
    clock: 1_700_000_000_000,
    service: undefined as unknown as DeveloperService,
  };
  (fixture as { service: DeveloperService }).service = createDeveloperService({ store, keys, organizations, now: () => fixture.clock });
  return fixture;
}

/** A developer, a product covering everything, and an app with one key on it. */
export async function seedApp(fixture: DeveloperFixture, product: Record<string, unknown> = {}) {
  const { service } = fixture;
  await service.createProduct('demo', { name: 'gold', approvalType: 'auto', ...product }, 'admin@test');
  const developer = await service.createDeveloper('demo', { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', userName: 'ann' }, 'admin@test');
  const app = await service.createApp('demo', 'ann@example.com', { name: 'weather', apiProducts: ['gold'] }, 'admin@test');
  const credential = app.credentials[0]!;
  return { developer, app, consumerKey: credential.consumerKey, consumerSecret: credential.consumerSecret };
}
