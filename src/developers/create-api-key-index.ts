// The in-memory index of developers, apps, keys and products behind VerifyAPIKey, kept in step with the store.
import type { Store, StoreOp } from '../store/store.js';
import type { ApiKeyRequest, ApiKeyVerification, ApiKeyVerifier } from './api-key-verifier.js';
import { compileApiResources, type ResourceMatcher } from './compile-api-resources.js';
import type { KeyVault } from './create-key-vault.js';
import { assertMasterKeyMatches } from './master-key-check.js';
import {
  appsCollection, developersCollection, productsCollection, toSealContext,
  type AppRecord, type DeveloperRecord, type ProductRecord,
} from './developer-records.js';

interface IndexedProduct {
  readonly record: ProductRecord;
  readonly matchesPath: ResourceMatcher;
}

export interface ApiKeyIndex extends ApiKeyVerifier {
  readonly vault: KeyVault;
  /** Re-reads the records a commit wrote (its ops) from the store; call after every commit of these collections. */
  refresh(ops: readonly StoreOp[]): void;
  developerById(organization: string, developerId: string): DeveloperRecord | undefined;
  appById(organization: string, appId: string): AppRecord | undefined;
  /** The app holding a key, by the key's index. */
  appByKeyIndex(organization: string, keyIndex: string): AppRecord | undefined;
}

/**
 * Builds the index from the store. Throws when the store holds credentials sealed under another master key: every
 * key would otherwise fail to verify, silently.
 */
export function createApiKeyIndex(store: Store, vault: KeyVault): ApiKeyIndex {
  assertMasterKeyMatches(store, vault);
  // Store key → record, so that a replaced or deleted record's derived entries can be removed.
  const developersByKey = new Map<string, DeveloperRecord>();
  const developersById = new Map<string, DeveloperRecord>();
  const appsByKey = new Map<string, AppRecord>();
  const appsById = new Map<string, AppRecord>();
  const appsByKeyIndex = new Map<string, AppRecord>();
  const products = new Map<string, IndexedProduct>();

  const setDeveloper = (key: string, record: DeveloperRecord | undefined): void => {
    const old = developersByKey.get(key);
    if (old) {
      developersByKey.delete(key);
      developersById.delete(`${old.organization}/${old.developerId}`);
    }
    if (!record) return;
    developersByKey.set(key, record);
    developersById.set(`${record.organization}/${record.developerId}`, record);
  };
  const setApp = (key: string, record: AppRecord | undefined): void => {
    const old = appsByKey.get(key);
    if (old) {
      appsByKey.delete(key);
      appsById.delete(`${old.organization}/${old.appId}`);
      for (const credential of old.credentials) appsByKeyIndex.delete(`${old.organization}/${credential.keyIndex}`);
    }
    if (!record) return;
    appsByKey.set(key, record);
    appsById.set(`${record.organization}/${record.appId}`, record);
    for (const credential of record.credentials) appsByKeyIndex.set(`${record.organization}/${credential.keyIndex}`, record);
  };
  const setProduct = (key: string, record: ProductRecord | undefined): void => {
    if (!record) products.delete(key);
    // Resource patterns compile here, once per change, never per request.
    else products.set(key, { record, matchesPath: compileApiResources(record.apiResources) });
  };

  for (const { key, value } of store.list<DeveloperRecord>(developersCollection)) setDeveloper(key, value);
  for (const { key, value } of store.list<AppRecord>(appsCollection)) setApp(key, value);
  for (const { key, value } of store.list<ProductRecord>(productsCollection)) setProduct(key, value);

  return {
    vault,
    refresh(ops) {
      for (const op of ops) {
        if (op.collection === developersCollection) setDeveloper(op.key, store.get<DeveloperRecord>(op.collection, op.key));
        else if (op.collection === appsCollection) setApp(op.key, store.get<AppRecord>(op.collection, op.key));
        else if (op.collection === productsCollection) setProduct(op.key, store.get<ProductRecord>(op.collection, op.key));
      }
    },
    developerById: (organization, developerId) => developersById.get(`${organization}/${developerId}`),
    appById: (organization, appId) => appsById.get(`${organization}/${appId}`),
    appByKeyIndex: (organization, keyIndex) => appsByKeyIndex.get(`${organization}/${keyIndex}`),
    verify(request: ApiKeyRequest): ApiKeyVerification {
      const { organization } = request;
      const keyIndex = vault.toKeyIndex(request.consumerKey);
      const app = appsByKeyIndex.get(`${organization}/${keyIndex}`);
      const credential = app?.credentials.find((c) => c.keyIndex === keyIndex);
      const developer = app && developersById.get(`${organization}/${app.developerId}`);
      if (!app || !credential || !developer) return { ok: false, failure: 'InvalidApiKey' };
      if (credential.status !== 'approved' || app.status !== 'approved') return { ok: false, failure: 'NotApproved' };
      if (developer.status !== 'active') return { ok: false, failure: 'DeveloperStatusNotActive' };
      if (credential.expiresAt !== -1 && credential.expiresAt <= request.now) return { ok: false, failure: 'ConsumerKeyExpired' };
      for (const keyProduct of credential.apiProducts) {
        if (keyProduct.status !== 'approved') continue;
        const product = products.get(`${organization}/${keyProduct.apiproduct}`);
        if (!product || !covers(product, request)) continue;
        const record = product.record;
        return {
          ok: true,
          grant: { developer, app, credential, product: record, consumerSecret: () => vault.open(credential.sealedSecret, toSealContext('secret', keyIndex)) },
        };
      }
      return { ok: false, failure: 'InvalidApiKeyForGivenResource' };
    },
  };
}

/** An empty list allows every environment or proxy (Edge). */
function covers(product: IndexedProduct, request: ApiKeyRequest): boolean {
  const { environments, proxies } = product.record;
  return (environments.length === 0 || environments.includes(request.environment))
    && (proxies.length === 0 || proxies.includes(request.apiProxy))
    && product.matchesPath(request.pathSuffix);
}
