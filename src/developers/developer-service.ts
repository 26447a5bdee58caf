// The developer, app, key and API product service behind the management API, over the store and the key index.
import type { OrganizationConfig } from '../config.js';
import type { Store } from '../store/store.js';
import { createAppOperations, type AppOperations } from './app-operations.js';
import type { ApiKeyIndex } from './create-api-key-index.js';
import { createDeveloperContext } from './developer-context.js';
import { createDeveloperOperations, type DeveloperOperations } from './developer-operations.js';
import { createKeyOperations, type KeyOperations } from './key-operations.js';
import { createProductOperations, type ProductOperations } from './product-operations.js';

/**
 * Every change is one atomic store commit (all of it or nothing), made under the organization's lock, then applied
 * to the in-memory key index that VerifyAPIKey reads. Callers check permissions and audit; inputs are validated here.
 */
export interface DeveloperService extends DeveloperOperations, AppOperations, KeyOperations, ProductOperations {
  /** A reference to a consumer key that is safe to log or audit (a prefix of its keyed hash). */
  toKeyRef(consumerKey: string): string;
}

export interface DeveloperServiceDeps {
  readonly store: Store;
  /** The index the policy runtime built (createPolicyRuntime's `apiKeys`), so changes reach VerifyAPIKey at once. */
  readonly keys: ApiKeyIndex;
  readonly organizations: readonly OrganizationConfig[];
  readonly now: () => number;
}

export function createDeveloperService(deps: DeveloperServiceDeps): DeveloperService {
  const context = createDeveloperContext({
    store: deps.store,
    keys: deps.keys,
    now: deps.now,
    organizations: new Map(deps.organizations.map((o) => [o.name, new Set(o.environments.map((e) => e.name))])),
  });
  return {
    ...createDeveloperOperations(context),
    ...createAppOperations(context),
    ...createKeyOperations(context),
    ...createProductOperations(context),
    toKeyRef: (consumerKey) => deps.keys.vault.toKeyRef(consumerKey),
  };
}
