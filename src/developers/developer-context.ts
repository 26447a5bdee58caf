// What the developer, app, key and product operations share: store, index, lock, clock, and the lookups that 404.
import { AdminError } from '../errors.js';
import { createKeyedMutex } from '../store/create-keyed-mutex.js';
import type { Store, StoreOp } from '../store/store.js';
import type { ApiKeyIndex } from './create-api-key-index.js';
import { toMasterKeyCheckOps as toStoreMasterKeyCheckOps } from './master-key-check.js';
import {
  appsCollection, developersCollection, productsCollection,
  toAppKey, toDeveloperKey, toProductKey, type AppRecord, type CredentialRecord, type DeveloperRecord, type ProductRecord,
} from './developer-records.js';

export interface DeveloperContext {
  readonly store: Store;
  readonly keys: ApiKeyIndex;
  readonly now: () => number;
  /** Configured organizations → their environment names. */
  readonly organizations: ReadonlyMap<string, ReadonlySet<string>>;
  /** Serializes the read-modify-write sequences of one organization (reads, checks, commit, index update). */
  withLock<T>(organization: string, task: () => Promise<T>): Promise<T>;
  /** One atomic store commit, then the index catches up: a failed commit changes neither. */
  commit(ops: readonly StoreOp[]): Promise<void>;
}

export function createDeveloperContext(options: Omit<DeveloperContext, 'withLock' | 'commit'>): DeveloperContext {
  const mutex = createKeyedMutex();
  return {
    ...options,
    withLock: (organization, task) => mutex.withLock(organization, task),
    async commit(ops) {
      await options.store.commit(ops);
      options.keys.refresh(ops);
    },
  };
}

export function assertOrganization(context: DeveloperContext, organization: string): void {
  if (!context.organizations.has(organization)) throw new AdminError('OrganizationDoesNotExist', [organization]);
}

/** By email (case-insensitive) or by developerId, as Edge accepts both in the path. */
export function readDeveloper(context: DeveloperContext, organization: string, emailOrId: string): DeveloperRecord {
  assertOrganization(context, organization);
  const developer = context.store.get<DeveloperRecord>(developersCollection, toDeveloperKey(organization, emailOrId))
    ?? context.keys.developerById(organization, emailOrId);
  if (developer) return developer;
  throw new AdminError(emailOrId.includes('@') ? 'DeveloperDoesNotExist' : 'DeveloperIdDoesNotExist', [emailOrId, organization]);
}

export function readApp(context: DeveloperContext, developer: DeveloperRecord, name: string): AppRecord {
  const app = context.store.get<AppRecord>(appsCollection, toAppKey(developer.organization, developer.developerId, name));
  if (!app) throw new AdminError('AppDoesNotExist', [name, developer.email]);
  return app;
}

export function listApps(context: DeveloperContext, developer: DeveloperRecord): AppRecord[] {
  return context.store.list<AppRecord>(appsCollection, { prefix: `${developer.organization}/${developer.developerId}/` }).map(({ value }) => value);
}

export function readProduct(context: DeveloperContext, organization: string, name: string): ProductRecord {
  assertOrganization(context, organization);
  const product = context.store.get<ProductRecord>(productsCollection, toProductKey(organization, name));
  if (!product) throw new AdminError('ApiProductDoesNotExist', [name, organization]);
  return product;
}

/** The credential of `app` whose key is `consumerKey`, found by its index (the key itself is not stored). */
export function readCredential(context: DeveloperContext, app: AppRecord, consumerKey: string): CredentialRecord {
  const keyIndex = context.keys.vault.toKeyIndex(consumerKey);
  const credential = app.credentials.find((c) => c.keyIndex === keyIndex);
  if (!credential) throw new AdminError('InvalidConsumerKey');
  return credential;
}

export function toAppOp(app: AppRecord): StoreOp {
  return { collection: appsCollection, key: toAppKey(app.organization, app.developerId, app.name), value: app };
}

/** Written with the first credential, so that a later start with another master key is refused (not silently broken). */
export function toMasterKeyCheckOps(context: DeveloperContext): StoreOp[] {
  return toStoreMasterKeyCheckOps(context.store, context.keys.vault);
}
