// Developer apps: create (with a generated credential), read, update, approve or revoke, delete; org-wide listing.
import { randomUUID } from 'node:crypto';
import { AdminError } from '../errors.js';
import { assertOrganization, listApps, readApp, readDeveloper, toAppOp, toMasterKeyCheckOps, type DeveloperContext } from './developer-context.js';
import { readAppInput } from './developer-input.js';
import { appsCollection, toAppKey, type AppRecord, type AppStatus, type CredentialRecord } from './developer-records.js';
import { generateCredential } from './generate-credential.js';
import { toKeyProducts, toNewCredential } from './new-credential.js';
import { invalid, type Fields } from './read-input-fields.js';
import { toAppJson, type AppJson } from './to-developer-json.js';

export interface AppOperations {
  listApps(organization: string, developer: string): AppJson[];
  getApp(organization: string, developer: string, app: string): AppJson;
  /** Creates the app and one credential with a generated key and secret, for `apiProducts`. */
  createApp(organization: string, developer: string, body: Fields, user: string): Promise<AppJson>;
  updateApp(organization: string, developer: string, app: string, body: Fields, user: string): Promise<AppJson>;
  /** Edge's `action=approve|revoke`: a revoked app's keys are refused, whatever their own status. */
  setAppStatus(organization: string, developer: string, app: string, action: string | undefined, user: string): Promise<void>;
  deleteApp(organization: string, developer: string, app: string): Promise<AppJson>;
  /** Every developer app of the organization, by appId. */
  listOrganizationApps(organization: string): AppJson[];
  getAppById(organization: string, appId: string): AppJson;
}

const appActions: ReadonlyMap<string, AppStatus> = new Map([['approve', 'approved'], ['revoke', 'revoked']]);

export function createAppOperations(context: DeveloperContext): AppOperations {
  const { store, keys } = context;
  const toJson = (app: AppRecord) => toAppJson(app, keys.vault);

  return {
    listApps: (organization, developer) => listApps(context, readDeveloper(context, organization, developer)).map(toJson),

    getApp: (organization, developer, app) => toJson(readApp(context, readDeveloper(context, organization, developer), app)),

    async createApp(organization, developerId, body, user) {
      const input = readAppInput(body);
      if (input.name === undefined) throw invalid('name: required');
      const name = input.name;
      return context.withLock(organization, async () => {
        const developer = readDeveloper(context, organization, developerId);
        if (store.get(appsCollection, toAppKey(organization, developer.developerId, name))) throw new AdminError('AppAlreadyExists', [name]);
        // A generated key colliding with a stored one is astronomically unlikely; a few draws make it impossible in practice.
        let credential: CredentialRecord | undefined;
        for (let attempt = 0; credential === undefined; attempt++) {
          try {
            credential = toNewCredential(context, organization, { ...generateCredential(), apiProducts: input.apiProducts, keyExpiresIn: input.keyExpiresIn });
          } catch (err) {
            if (!(err instanceof AdminError) || err.status !== 409 || attempt >= 2) throw err;
          }
        }
        const now = context.now();
        const app: AppRecord = {
          organization, appId: randomUUID(), developerId: developer.developerId, name, status: 'approved', appFamily: 'default',
          ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
          attributes: input.attributes ?? [], scopes: input.scopes ?? [], credentials: [credential],
          createdAt: now, createdBy: user, lastModifiedAt: now, lastModifiedBy: user,
        };
        await context.commit([...toMasterKeyCheckOps(context), toAppOp(app)]);
        return toJson(app);
      });
    },

    async updateApp(organization, developerId, appName, body, user) {
      const input = readAppInput(body);
      return context.withLock(organization, async () => {
        const current = readApp(context, readDeveloper(context, organization, developerId), appName);
        if (input.name !== undefined && input.name !== current.name) throw invalid('name: an app cannot be renamed');
        // Edge adds products named on update to the app's first credential (Edge tooling round-trips GET → PUT).
        const [first, ...others] = current.credentials;
        const credentials = first && input.apiProducts
          ? [{ ...first, apiProducts: toKeyProducts(context, organization, input.apiProducts, first.apiProducts) }, ...others]
          : current.credentials;
        const app: AppRecord = {
          ...current,
          ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
          attributes: input.attributes ?? current.attributes,
          scopes: input.scopes ?? current.scopes,
          credentials,
          lastModifiedAt: context.now(),
          lastModifiedBy: user,
        };
        await context.commit([toAppOp(app)]);
        return toJson(app);
      });
    },

    async setAppStatus(organization, developerId, appName, action, user) {
      const status = action === undefined ? undefined : appActions.get(action.toLowerCase());
      if (!status) throw invalid('action: expected approve or revoke');
      return context.withLock(organization, async () => {
        const current = readApp(context, readDeveloper(context, organization, developerId), appName);
        if (current.status === status) return;
        await context.commit([toAppOp({ ...current, status, lastModifiedAt: context.now(), lastModifiedBy: user })]);
      });
    },

    async deleteApp(organization, developerId, appName) {
      return context.withLock(organization, async () => {
        const app = readApp(context, readDeveloper(context, organization, developerId), appName);
        await context.commit([{ ...toAppOp(app), value: null }]);
        return toJson(app);
      });
    },

    listOrganizationApps(organization) {
      assertOrganization(context, organization);
      return store.list<AppRecord>(appsCollection, { prefix: `${organization}/` }).map(({ value }) => toJson(value));
    },

    getAppById(organization, appId) {
      assertOrganization(context, organization);
      const app = keys.appById(organization, appId);
      if (!app) throw new AdminError('AppIdDoesNotExist', [appId]);
      return toJson(app);
    },
  };
}
