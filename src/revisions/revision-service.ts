// Imports, edits, deletes and reads API proxies and their numbered revisions: the only writer of API and revision records.
import { toBundleLimits, type BundleLimits } from '../bundle/bundle-limits.js';
import { parseBundle } from '../bundle/parse-bundle.js';
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import { readBundleZip } from '../bundle/read-bundle-zip.js';
import { DEPLOYMENTS, type DeploymentRecord } from '../deployments/deployment-records.js';
import { AdminError, BundleError } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { Store } from '../store/store.js';
import { toFilesWithout, toFilesWithUpload } from './to-files-with-upload.js';
import { createRevisionLocks } from './create-revision-locks.js';
import { findRevisionFile, listRevisionFiles, type FileKind, type FileRef, type FileUpload, type ResourceName, type RevisionFileOf } from './find-revision-file.js';
import { packBundleFiles } from './pack-bundle-files.js';
import { APIS, isDeployable, isValidApiName, REVISIONS, toApiKey, toRevisionKey, toRevisionRecord, type ApiRecord, type RevisionRecord } from './revision-records.js';
import { assertRevisionLockHeld, stageRevisionChange, type StagedRevisionChange } from './stage-revision-change.js';
import { toApiView, type ApiView } from './to-api-view.js';

export type { StagedRevisionChange } from './stage-revision-change.js';

export interface RevisionServiceDeps {
  readonly store: Store;
  readonly registry: PolicyRegistry;
  readonly bundleLimits: Partial<BundleLimits>;
  readonly now: () => number;
}

export interface ImportInput {
  readonly organization: string;
  readonly api: string;
  readonly bytes: Uint8Array;
  readonly user: string;
  /** Refuse a bundle with deployability problems (compat §2.2 rule 5); otherwise store it with its problems. */
  readonly validate: boolean;
}

export interface RevisionService {
  /** Validates without storing; returns the problems the bundle has. */
  check(input: Omit<ImportInput, 'user' | 'validate'>): Promise<{ bundle: ProxyBundle; problems: RevisionRecord['problems'] }>;
  /** Stores the bundle as the API's next revision, creating the API if new. */
  importRevision(input: ImportInput): Promise<RevisionRecord>;
  /** Creates the API with revision 1 holding only `<APIProxy name="{api}"/>`; ApplicationAlreadyExists (409) if it exists. */
  createEmptyApi(organization: string, api: string, user: string): Promise<RevisionRecord>;
  getApi(organization: string, api: string): ApiRecord | undefined;
  /** Sorted by name, starting at `startKey` (included), at most `count` of them (compat §2.1). */
  listApis(organization: string, options?: { count?: number; startKey?: string }): ApiRecord[];
  getRevision(organization: string, api: string, revision: number): RevisionRecord | undefined;
  /** Ascending by number. */
  listRevisions(organization: string, api: string): RevisionRecord[];
  /** Parses a stored revision (its zip is verified against its sha-256 on the way). */
  loadBundle(record: RevisionRecord): Promise<ProxyBundle>;
  /** The stored zip: the imported bytes, or the rebuilt zip after an edit. */
  exportRevision(record: RevisionRecord): Promise<Uint8Array>;
  isDeployable(record: RevisionRecord): boolean;
  /** Deletes the API and all its revisions; ApplicationDeployed (400) while any revision is deployed. Returns what was deleted. */
  deleteApi(organization: string, api: string, user: string): Promise<ApiView>;
  /** Deletes one revision (the API stays, even with none left); ApplicationDeployed (400) while it is deployed. */
  deleteRevision(organization: string, api: string, revision: number, user: string): Promise<RevisionRecord>;
  /** Serializes every change of one revision: run a stage* call and its commit inside it. */
  withRevisionLock<T>(organization: string, api: string, revision: number, task: () => Promise<T>): Promise<T>;
  /** In-place update (compat §2.1 POST …/revisions/{rev}); the new zip is stored as given. */
  stageReplace(organization: string, api: string, revision: number, zip: Uint8Array, user: string, options: { validate: boolean }): Promise<StagedRevisionChange>;
  /** Adds or replaces one policy, endpoint or resource file (compat §2.4); the revision's zip is rebuilt. */
  stagePutFile(organization: string, api: string, revision: number, file: FileUpload, user: string): Promise<StagedRevisionChange>;
  /** Removes one file; ResourceNotFound (404) when there is none. */
  stageDeleteFile(organization: string, api: string, revision: number, file: FileRef, user: string): Promise<StagedRevisionChange>;
  listFiles(record: RevisionRecord, kind: 'policy' | 'proxy' | 'target'): string[];
  listFiles(record: RevisionRecord, kind: 'resource'): ResourceName[];
  /** One file by XML identity or file name (resources by type and name), or undefined. */
  getFile<K extends FileKind>(record: RevisionRecord, kind: K, name: string, type?: string): Promise<RevisionFileOf<K> | undefined>;
}

const byName = (a: ApiRecord, b: ApiRecord): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function createRevisionService(deps: RevisionServiceDeps): RevisionService {
  const { store } = deps;
  const limits = toBundleLimits(deps.bundleLimits);
  const locks = createRevisionLocks();
  const stageContext = { store, registry: deps.registry, limits, locks, now: deps.now };

  const assertApiName = (api: string): void => {
    if (!isValidApiName(api)) throw new AdminError('InvalidParameter', [`name: "${api}" is not a valid API proxy name (A-Za-z0-9._-)`]);
  };
  const parse = async (api: string, bytes: Uint8Array) => {
    assertApiName(api);
    return parseBundle(await readBundleZip(bytes, limits), { registry: deps.registry, apiName: api });
  };
  const getApi = (organization: string, api: string) => store.get<ApiRecord>(APIS, toApiKey(organization, api));
  const getRevision = (organization: string, api: string, revision: number) => store.get<RevisionRecord>(REVISIONS, toRevisionKey(organization, api, revision));
  const listRevisions = (organization: string, api: string): RevisionRecord[] =>
    store.list<RevisionRecord>(REVISIONS, { prefix: `${toApiKey(organization, api)}/` }).map((e) => e.value);
  const loadBundle = async (record: RevisionRecord): Promise<ProxyBundle> => {
    const files = await readBundleZip(await store.getBlob(record.sha256), limits);
    return parseBundle(files, { registry: deps.registry, apiName: record.api }).bundle;
  };
  const deploymentsOf = (organization: string, api: string): DeploymentRecord[] =>
    store.list<DeploymentRecord>(DEPLOYMENTS, { prefix: `${organization}/` }).map((e) => e.value).filter((d) => d.organization === organization && d.api === api);

  const assertRevisionExists = (organization: string, api: string, revision: number): RevisionRecord => {
    if (!getApi(organization, api)) throw new AdminError('ApplicationDoesNotExist', [api, organization]);
    const record = getRevision(organization, api, revision);
    if (!record) throw new AdminError('RevisionDoesNotExist', [revision, api, organization]);
    return record;
  };

  /** Allocates the number and commits: under the API lock, so concurrent imports get distinct numbers. */
  const commitNewRevision = (organization: string, api: string, bytes: Uint8Array, parsed: { bundle: ProxyBundle; problems: RevisionRecord['problems'] }, user: string, mustBeNew: boolean) =>
    locks.withApiLock(organization, api, async () => {
      const previous = getApi(organization, api);
      if (previous && mustBeNew) throw new AdminError('ApplicationAlreadyExists', [api, organization]);
      // The blob first: a crash before the commit leaves an unreferenced blob and the number unallocated.
      const sha256 = await store.putBlob(bytes);
      // Deliberately unlike compat §2.3 (max+1 with reuse): the issue requires that a number is never handed out twice.
      const highest = listRevisions(organization, api).reduce((max, r) => Math.max(max, r.revision), previous?.highestRevision ?? 0);
      const revision = highest + 1;
      const now = deps.now();
      const apiRecord: ApiRecord = previous
        ? { ...previous, lastModifiedAt: now, lastModifiedBy: user, highestRevision: revision }
        : { organization, name: api, createdAt: now, createdBy: user, lastModifiedAt: now, lastModifiedBy: user, highestRevision: revision };
      const record = toRevisionRecord({
        organization, api, revision, sha256, sizeBytes: bytes.byteLength,
        createdAt: now, createdBy: user, lastModifiedAt: now, lastModifiedBy: user, ...parsed,
      });
      const key = toRevisionKey(organization, api, revision);
      // One commit holds both records: a crash leaves the revision wholly present or absent.
      await store.commit([
        { collection: APIS, key: toApiKey(organization, api), value: apiRecord },
        { collection: REVISIONS, key, value: record },
      ]);
      return store.get<RevisionRecord>(REVISIONS, key)!;
    });

  /** Reads the current content, applies the change to its files and stages the rebuilt zip. */
  const stageFileChange = async (organization: string, api: string, revision: number, user: string, change: (files: Map<string, Uint8Array>, bundle: ProxyBundle) => Map<string, Uint8Array>) => {
    assertRevisionLockHeld(locks, organization, api, revision);
    const base = assertRevisionExists(organization, api, revision);
    const files = await readBundleZip(await store.getBlob(base.sha256), limits);
    const { bundle } = parseBundle(files, { registry: deps.registry, apiName: api });
    const bytes = await packBundleFiles(change(files, bundle));
    return stageRevisionChange(stageContext, base, bytes, user, false);
  };

  const service: RevisionService = {
    check: (input) => parse(input.api, input.bytes),
    async importRevision(input) {
      const parsed = await parse(input.api, input.bytes);
      if (input.validate && parsed.problems.length > 0) throw new BundleError(parsed.problems);
      return commitNewRevision(input.organization, input.api, input.bytes, parsed, input.user, false);
    },
    async createEmptyApi(organization, api, user) {
      assertApiName(api);
      const bytes = await packBundleFiles(new Map([[`${api}.xml`, new TextEncoder().encode(`<APIProxy name="${api}"/>\n`)]]));
      return commitNewRevision(organization, api, bytes, await parse(api, bytes), user, true);
    },
    getApi,
    listApis(organization, options = {}) {
      const all = store.list<ApiRecord>(APIS, { prefix: `${organization}/` }).map((e) => e.value).sort(byName);
      const { startKey, count } = options;
      const from = startKey === undefined ? all : all.filter((a) => a.name >= startKey);
      return count === undefined ? from : from.slice(0, Math.max(0, count));
    },
    getRevision,
    listRevisions,
    loadBundle,
    exportRevision: (record) => store.getBlob(record.sha256),
    isDeployable,
    deleteApi: (organization, api) =>
      locks.withApiLock(organization, api, async () => {
        const apiRecord = getApi(organization, api);
        if (!apiRecord) throw new AdminError('ApplicationDoesNotExist', [api, organization]);
        const revisions = listRevisions(organization, api);
        return locks.withRevisionLocks(organization, api, revisions.map((r) => r.revision), async () => {
          const deployed = deploymentsOf(organization, api)[0];
          if (deployed) throw new AdminError('ApplicationDeployed', [`APIProxy ${api} (revision ${deployed.revision} in environment ${deployed.environment})`]);
          await store.commit([
            ...revisions.map((r) => ({ collection: REVISIONS, key: toRevisionKey(organization, api, r.revision), value: null })),
            { collection: APIS, key: toApiKey(organization, api), value: null },
          ]);
          return toApiView(apiRecord, revisions);
        });
      }),
    deleteRevision: (organization, api, revision, user) =>
      locks.withApiLock(organization, api, () =>
        locks.withRevisionLock(organization, api, revision, async () => {
          const record = assertRevisionExists(organization, api, revision);
          const deployed = deploymentsOf(organization, api).find((d) => d.revision === revision);
          if (deployed) throw new AdminError('ApplicationDeployed', [`Revision ${revision} of APIProxy ${api} (environment ${deployed.environment})`]);
          const apiRecord = getApi(organization, api)!;
          const now = deps.now();
          await store.commit([
            { collection: REVISIONS, key: toRevisionKey(organization, api, revision), value: null },
            // The high-water mark stays: deleting the highest revision does not free its number.
            { collection: APIS, key: toApiKey(organization, api), value: { ...apiRecord, lastModifiedAt: now, lastModifiedBy: user, highestRevision: Math.max(apiRecord.highestRevision ?? 0, revision) } },
          ]);
          return record;
        })),
    withRevisionLock: (organization, api, revision, task) => locks.withRevisionLock(organization, api, revision, task),
    async stageReplace(organization, api, revision, zip, user, options) {
      assertRevisionLockHeld(locks, organization, api, revision);
      const base = assertRevisionExists(organization, api, revision);
      return stageRevisionChange(stageContext, base, zip, user, options.validate);
    },
    stagePutFile: (organization, api, revision, file, user) =>
      stageFileChange(organization, api, revision, user, (files, bundle) => toFilesWithUpload(files, bundle, file, limits)),
    stageDeleteFile: (organization, api, revision, file, user) =>
      stageFileChange(organization, api, revision, user, (files, bundle) => toFilesWithout(files, bundle, file)),
    listFiles: listRevisionFiles,
    async getFile(record, kind, name, type) {
      return findRevisionFile(await loadBundle(record), { kind, name, ...(type !== undefined && { type }) });
    },
  };
  return service;
}
