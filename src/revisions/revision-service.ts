// Imports bundles as numbered, immutable revisions and loads them back: the only writer of API and revision records.
import { readBundleZip } from '../bundle/read-bundle-zip.js';
import { parseBundle } from '../bundle/parse-bundle.js';
import type { ProxyBundle } from '../bundle/proxy-bundle.js';
import type { BundleLimits } from '../bundle/bundle-limits.js';
import { AdminError, BundleError } from '../errors.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { Store } from '../store/store.js';
import { APIS, REVISIONS, isValidApiName, toApiKey, toRevisionKey, type ApiRecord, type RevisionRecord } from './revision-records.js';

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
  importRevision(input: ImportInput): Promise<RevisionRecord>;
  getApi(organization: string, api: string): ApiRecord | undefined;
  listApis(organization: string): ApiRecord[];
  getRevision(organization: string, api: string, revision: number): RevisionRecord | undefined;
  listRevisions(organization: string, api: string): RevisionRecord[];
  /** Parses a stored revision (its zip is verified against its sha-256 on the way). */
  loadBundle(record: RevisionRecord): Promise<ProxyBundle>;
}

export function createRevisionService(deps: RevisionServiceDeps): RevisionService {
  const { store } = deps;
  /** Imports of one API are serialized so that concurrent imports get distinct numbers (compat §2.3). */
  const importChains = new Map<string, Promise<unknown>>();

  const parse = async (organization: string, api: string, bytes: Uint8Array) => {
    if (!isValidApiName(api)) throw new AdminError('InvalidParameter', [`name: "${api}" is not a valid API proxy name (A-Za-z0-9._-)`]);
    const files = await readBundleZip(bytes, deps.bundleLimits);
    return parseBundle(files, { registry: deps.registry, apiName: api });
  };

  const listRevisions = (organization: string, api: string): RevisionRecord[] =>
    store.list<RevisionRecord>(REVISIONS, { prefix: `${toApiKey(organization, api)}/` }).map((e) => e.value);

  const importNow = async (input: ImportInput): Promise<RevisionRecord> => {
    const { bundle, problems } = await parse(input.organization, input.api, input.bytes);
    if (input.validate && problems.length > 0) throw new BundleError(problems);
    const existing = listRevisions(input.organization, input.api);
    const revision = existing.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
    const sha256 = await store.putBlob(input.bytes);
    const now = deps.now();
    const apiKey = toApiKey(input.organization, input.api);
    const previous = store.get<ApiRecord>(APIS, apiKey);
    const apiRecord: ApiRecord = previous
      ? { ...previous, lastModifiedAt: now, lastModifiedBy: input.user }
      : { organization: input.organization, name: input.api, createdAt: now, createdBy: input.user, lastModifiedAt: now, lastModifiedBy: input.user };
    const record: RevisionRecord = {
      organization: input.organization,
      api: input.api,
      revision,
      sha256,
      sizeBytes: input.bytes.byteLength,
      createdAt: now,
      createdBy: input.user,
      lastModifiedAt: now,
      lastModifiedBy: input.user,
      displayName: bundle.displayName,
      description: bundle.description,
      basepaths: bundle.basepaths,
      policies: bundle.policies.map((p) => p.name).sort(),
      proxyEndpoints: bundle.proxyEndpoints.map((p) => p.name).sort(),
      targetEndpoints: bundle.targetEndpoints.map((t) => t.name).sort(),
      resources: [...bundle.resources.keys()].sort(),
      problems,
    };
    // One commit holds both records: a crash leaves the revision wholly present or absent.
    await store.commit([
      { collection: APIS, key: apiKey, value: apiRecord },
      { collection: REVISIONS, key: toRevisionKey(input.organization, input.api, revision), value: record },
    ]);
    return store.get<RevisionRecord>(REVISIONS, toRevisionKey(input.organization, input.api, revision))!;
  };

  return {
    async check(input) {
      return parse(input.organization, input.api, input.bytes);
    },
    importRevision(input) {
      const key = toApiKey(input.organization, input.api);
      const previous = importChains.get(key) ?? Promise.resolve();
      const next = previous.catch(() => {}).then(() => importNow(input));
      importChains.set(key, next);
      void next.finally(() => {
        if (importChains.get(key) === next) importChains.delete(key);
      }).catch(() => {});
      return next;
    },
    getApi: (organization, api) => store.get<ApiRecord>(APIS, toApiKey(organization, api)),
    listApis: (organization) => store.list<ApiRecord>(APIS, { prefix: `${organization}/` }).map((e) => e.value),
    getRevision: (organization, api, revision) => store.get<RevisionRecord>(REVISIONS, toRevisionKey(organization, api, revision)),
    listRevisions,
    async loadBundle(record) {
      const bytes = await store.getBlob(record.sha256);
      const files = await readBundleZip(bytes, deps.bundleLimits);
      return parseBundle(files, { registry: deps.registry, apiName: record.api }).bundle;
    },
  };
}
