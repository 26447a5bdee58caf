// App keys: read, import a key pair, add products, approve or revoke (whole key or per product), remove, delete.
import { readApp, readCredential, readDeveloper, toAppOp, toMasterKeyCheckOps, type DeveloperContext } from './developer-context.js';
import { readKeyImportInput, readKeyUpdateInput } from './developer-input.js';
import type { AppRecord, CredentialRecord, CredentialStatus, KeyProductStatus } from './developer-records.js';
import { toKeyProducts, toNewCredential } from './new-credential.js';
import { invalid, type Fields } from './read-input-fields.js';
import { toCredentialJson, type CredentialJson } from './to-developer-json.js';

/** Which key: organization, developer (email or id), app name, consumer key. */
export interface KeyPath {
  readonly organization: string;
  readonly developer: string;
  readonly app: string;
  readonly consumerKey: string;
}

export interface KeyOperations {
  getKey(path: KeyPath): CredentialJson;
  /** Edge's `keys/create`: adds a key pair chosen by the caller (e.g. migrated from another gateway). */
  importKey(organization: string, developer: string, app: string, body: Fields, user: string): Promise<CredentialJson>;
  /** Adds `apiProducts` to the key; replaces its attributes or scopes when given. */
  updateKey(path: KeyPath, body: Fields, user: string): Promise<CredentialJson>;
  setKeyStatus(path: KeyPath, action: string | undefined, user: string): Promise<void>;
  setKeyProductStatus(path: KeyPath, product: string, action: string | undefined, user: string): Promise<void>;
  removeKeyProduct(path: KeyPath, product: string, user: string): Promise<CredentialJson>;
  deleteKey(path: KeyPath, user: string): Promise<CredentialJson>;
}

const keyActions: ReadonlyMap<string, CredentialStatus> = new Map([['approve', 'approved'], ['revoke', 'revoked']]);
const keyProductActions: ReadonlyMap<string, KeyProductStatus> = new Map([['approve', 'approved'], ['revoke', 'revoked']]);

export function createKeyOperations(context: DeveloperContext): KeyOperations {
  const { vault } = context.keys;
  const readKeyApp = (path: KeyPath): AppRecord => readApp(context, readDeveloper(context, path.organization, path.developer), path.app);

  /** Replaces the key's credential in its app and commits; `change` returns undefined to leave everything as it is. */
  const changeKey = (path: KeyPath, user: string, change: (credential: CredentialRecord, app: AppRecord) => CredentialRecord | undefined): Promise<CredentialRecord> =>
    context.withLock(path.organization, async () => {
      const app = readKeyApp(path);
      const credential = readCredential(context, app, path.consumerKey);
      const changed = change(credential, app);
      if (!changed) return credential;
      const credentials = app.credentials.map((c) => (c === credential ? changed : c));
      await context.commit([toAppOp({ ...app, credentials, lastModifiedAt: context.now(), lastModifiedBy: user })]);
      return changed;
    });

  return {
    getKey(path) {
      return toCredentialJson(readCredential(context, readKeyApp(path), path.consumerKey), vault);
    },

    async importKey(organization, developer, appName, body, user) {
      const input = readKeyImportInput(body);
      return context.withLock(organization, async () => {
        const app = readApp(context, readDeveloper(context, organization, developer), appName);
        const credential = toNewCredential(context, organization, input);
        const changed: AppRecord = { ...app, credentials: [...app.credentials, credential], lastModifiedAt: context.now(), lastModifiedBy: user };
        await context.commit([...toMasterKeyCheckOps(context), toAppOp(changed)]);
        return toCredentialJson(credential, vault);
      });
    },

    async updateKey(path, body, user) {
      const input = readKeyUpdateInput(body);
      const credential = await changeKey(path, user, (current) => ({
        ...current,
        apiProducts: toKeyProducts(context, path.organization, input.apiProducts ?? [], current.apiProducts),
        attributes: input.attributes ?? current.attributes,
        scopes: input.scopes ?? current.scopes,
      }));
      return toCredentialJson(credential, vault);
    },

    async setKeyStatus(path, action, user) {
      const status = action === undefined ? undefined : keyActions.get(action.toLowerCase());
      if (!status) throw invalid('action: expected approve or revoke');
      await changeKey(path, user, (current) => (current.status === status ? undefined : { ...current, status }));
    },

    async setKeyProductStatus(path, product, action, user) {
      const status = action === undefined ? undefined : keyProductActions.get(action.toLowerCase());
      if (!status) throw invalid('action: expected approve or revoke');
      await changeKey(path, user, (current) => {
        if (!current.apiProducts.some((p) => p.apiproduct === product)) throw notAssociated();
        return { ...current, apiProducts: current.apiProducts.map((p) => (p.apiproduct === product ? { apiproduct: product, status } : p)) };
      });
    },

    async removeKeyProduct(path, product, user) {
      const credential = await changeKey(path, user, (current) => {
        if (!current.apiProducts.some((p) => p.apiproduct === product)) throw notAssociated();
        return { ...current, apiProducts: current.apiProducts.filter((p) => p.apiproduct !== product) };
      });
      return toCredentialJson(credential, vault);
    },

    async deleteKey(path, user) {
      return context.withLock(path.organization, async () => {
        const app = readKeyApp(path);
        const credential = readCredential(context, app, path.consumerKey);
        const credentials = app.credentials.filter((c) => c !== credential);
        await context.commit([toAppOp({ ...app, credentials, lastModifiedAt: context.now(), lastModifiedBy: user })]);
        return toCredentialJson(credential, vault);
      });
    },
  };
}

/** Edge's message (it answers 500 there; 400 here, as Apigee X does). */
function notAssociated() {
  return invalid('APIProduct is not associated with consumer key');
}
