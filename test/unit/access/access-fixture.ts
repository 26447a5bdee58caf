// A fake-clocked AccessService over a memory store, with a cheap scrypt cost, for the access unit tests.
import { expect } from 'vitest';
import { membersCollection, rolesCollection, tokensCollection, usersCollection } from '../../../src/access/access-records.js';
import { createAccessService, type AccessServiceOptions } from '../../../src/access/create-access-service.js';
import { createPasswordHasher, type PasswordHasher } from '../../../src/access/password-hasher.js';
import type { Principal } from '../../../src/access/principal.js';
import { auditCollection, createAuditLog } from '../../../src/audit/create-audit-log.js';
import type { AdminConfig, OrganizationConfig, UserConfig } from '../../../src/config.js';
import { AdminError } from '../../../src/errors.js';
import { createMemoryStore } from '../../../src/store/create-memory-store.js';
import type { Store } from '../../../src/store/store.js';

/** N=2^10: the same code path as production's 2^15 at a fraction of the time. */
export const cheapHasher: PasswordHasher = createPasswordHasher({ cost: 2 ** 10, blockSize: 8, parallelization: 1 });

export const adminEmail = 'admin@baton.local';
export const adminPassword = 'configured-admin-password';

export function toOrganization(name: string, environments: readonly string[]): OrganizationConfig {
  return {
    name,
    displayName: name,
    properties: {},
    environments: environments.map((environment) => ({ name: environment, description: '', properties: {}, virtualHosts: [], targetServers: [] })),
  };
}

export interface FixtureOptions {
  readonly store?: Store;
  readonly admin?: Partial<AdminConfig>;
  readonly users?: readonly UserConfig[];
  readonly hasher?: PasswordHasher;
  readonly service?: Partial<AccessServiceOptions>;
  readonly startMs?: number;
}

export function createAccessFixture(options: FixtureOptions = {}) {
  let clockMs = options.startMs ?? 1_700_000_000_000;
  const now = (): number => clockMs;
  const store = options.store ?? createMemoryStore();
  const audit = createAuditLog(store, { now });
  const config = {
    admin: { host: '127.0.0.1', port: 0, user: adminEmail, password: adminPassword, ...options.admin },
    users: options.users ?? [],
    organizations: [toOrganization('demo', ['test', 'prod']), toOrganization('other', ['test'])],
  };
  const access = createAccessService({ config, store, audit, now, hasher: options.hasher ?? cheapHasher, ...options.service });
  return {
    access,
    store,
    audit,
    config,
    now,
    advance(ms: number): void {
      clockMs += ms;
    },
    /** The administrator, after initialize() with the configured password. */
    admin: (): Promise<Principal> => access.authenticate(toBasic(adminEmail, adminPassword), 'fixture'),
    /** Creates a user (as the administrator) with the given roles and returns their Principal. */
    async userWith(email: string, roles: ReadonlyArray<readonly [string, string]> = []): Promise<Principal> {
      const admin = await access.authenticate(toBasic(adminEmail, adminPassword), 'fixture');
      await access.createUser({ emailId: email, password: `${email}-password` }, admin);
      for (const [organization, role] of roles) await access.addUserToRole(organization, role, email, admin);
      return access.authenticate(toBasic(email, `${email}-password`), 'fixture');
    },
  };
}

export function toBasic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Awaits `action` and expects an AdminError with this HTTP status (and code, when given). */
export async function expectAdminError(action: Promise<unknown> | (() => unknown), status: number, code?: string): Promise<AdminError> {
  let caught: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(AdminError);
  const error = caught as AdminError;
  expect(error.status).toBe(status);
  if (code !== undefined) expect(error.code).toBe(code);
  return error;
}

/** Every record of the store as JSON text, to search for secrets. */
export function dumpStore(store: Store): string {
  const collections = [usersCollection, rolesCollection, membersCollection, tokensCollection, auditCollection];
  return JSON.stringify(collections.map((collection) => [collection, store.list(collection)]));
}
