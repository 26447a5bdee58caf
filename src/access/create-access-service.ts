// Wires the AccessService: authentication plus user, token, role and membership management over one Store.
import type { AuditLog } from '../audit/audit-log.js';
import type { BatonConfig } from '../config.js';
import { createKeyedMutex } from '../store/create-keyed-mutex.js';
import type { Store } from '../store/store.js';
import type { AccessContext } from './access-context.js';
import { toUserKey } from './access-records.js';
import type { AccessService } from './access-service.js';
import { createAuthenticator } from './create-authenticator.js';
import { createCredentialCache } from './create-credential-cache.js';
import { createMembershipOperations } from './membership-operations.js';
import { createPasswordHasher, type PasswordHasher } from './password-hasher.js';
import { createRoleOperations } from './role-operations.js';
import { seedAccess } from './seed-access.js';
import { createTokenOperations } from './token-operations.js';
import { createUserOperations } from './user-operations.js';

export interface AccessServiceOptions {
  readonly config: Pick<BatonConfig, 'admin' | 'users' | 'organizations'>;
  readonly store: Store;
  readonly audit: AuditLog;
  readonly now: () => number;
  /** scrypt N=2^15 by default; tests pass a cheaper one, or a spy. */
  readonly hasher?: PasswordHasher;
  /** Failed logins allowed per client address and per user within `failureWindowMs` before 429 (default 10 per 60 s). */
  readonly maxFailures?: number;
  readonly failureWindowMs?: number;
  /** How long a verified Basic credential skips scrypt (default 60 s; 0 turns the cache off). See create-credential-cache.ts. */
  readonly credentialCacheTtlMs?: number;
}

export function createAccessService(options: AccessServiceOptions): AccessService {
  const mutex = createKeyedMutex();
  const context: AccessContext = {
    store: options.store,
    audit: options.audit,
    now: options.now,
    hasher: options.hasher ?? createPasswordHasher(),
    withLock: (task) => mutex.withLock('access', task),
    credentialCache: createCredentialCache({ ttlMs: options.credentialCacheTtlMs ?? 60_000, maxEntries: 1000, now: options.now }),
    adminKey: toUserKey(options.config.admin.user),
    organizations: new Map(options.config.organizations.map((o) => [o.name, new Set(o.environments.map((e) => e.name))])),
  };
  const authenticator = createAuthenticator(context, { maxFailures: options.maxFailures ?? 10, windowMs: options.failureWindowMs ?? 60_000 });
  return {
    async initialize() {
      const [seeded] = await Promise.all([seedAccess(context, options.config), authenticator.prepare()]);
      return seeded;
    },
    authenticate: authenticator.authenticate,
    ...createUserOperations(context),
    ...createTokenOperations(context),
    ...createRoleOperations(context),
    ...createMembershipOperations(context),
  };
}
