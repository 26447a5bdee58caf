// Imports, reads and deletes shared flows and their numbered revisions; composes deployments and flow hooks into the service.
import { toBundleLimits } from '../bundle/bundle-limits.js';
import { parseSharedFlowBundle } from '../bundle/parse-shared-flow-bundle.js';
import { readBundleZip } from '../bundle/read-bundle-zip.js';
import type { SharedFlowBundle } from '../bundle/shared-flow-bundle.js';
import { isValidApiName } from '../revisions/revision-records.js';
import { AdminError, BundleError } from '../errors.js';
import { createKeyedMutex } from '../store/create-keyed-mutex.js';
import type { StoreOp } from '../store/store.js';
import { createFlowHookChanges } from './create-flow-hook-changes.js';
import { createSharedFlowDeployments } from './create-shared-flow-deployments.js';
import {
  SHARED_FLOW_REVISIONS, SHARED_FLOWS, toSharedFlowKey, toSharedFlowRevisionKey, toSharedFlowRevisionRecord,
  type SharedFlowRecord, type SharedFlowRevisionRecord,
} from './shared-flow-records.js';
import type { SharedFlowService, SharedFlowServiceDeps } from './shared-flow-service.js';

const byName = (a: SharedFlowRecord, b: SharedFlowRecord): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function createSharedFlowService(deps: SharedFlowServiceDeps): SharedFlowService {
  const { store } = deps;
  const limits = toBundleLimits(deps.bundleLimits);
  // Serializes numbering and deletion of one shared flow (API proxies have their own locks).
  const mutex = createKeyedMutex();
  const withNameLock = <T>(organization: string, name: string, task: () => Promise<T>): Promise<T> => mutex.withLock(toSharedFlowKey(organization, name), task);

  const commit = async (ops: readonly StoreOp[]): Promise<void> => {
    try {
      await store.commit(ops);
    } catch (err) {
      throw new AdminError('StoreFailure', [], { cause: err });
    }
  };
  const getSharedFlow = (organization: string, name: string) => store.get<SharedFlowRecord>(SHARED_FLOWS, toSharedFlowKey(organization, name));
  const getRevision = (organization: string, name: string, revision: number) =>
    store.get<SharedFlowRevisionRecord>(SHARED_FLOW_REVISIONS, toSharedFlowRevisionKey(organization, name, revision));
  const listRevisions = (organization: string, name: string): SharedFlowRevisionRecord[] =>
    store.list<SharedFlowRevisionRecord>(SHARED_FLOW_REVISIONS, { prefix: `${toSharedFlowKey(organization, name)}/` }).map((e) => e.value);
  const loadRevision = (organization: string, name: string, revision: number): SharedFlowRevisionRecord => {
    if (!getSharedFlow(organization, name)) throw new AdminError('SharedFlowDoesNotExist', [name, organization]);
    const record = getRevision(organization, name, revision);
    if (!record) throw new AdminError('SharedFlowRevisionDoesNotExist', [revision, name, organization]);
    return record;
  };
  const parse = async (name: string, bytes: Uint8Array) => {
    if (!isValidApiName(name)) throw new AdminError('InvalidParameter', [`name: "${name}" is not a valid shared flow name (A-Za-z0-9._-)`]);
    return parseSharedFlowBundle(await readBundleZip(bytes, limits, { root: 'sharedflowbundle' }), { registry: deps.registry, name });
  };
  const loadBundle = async (record: SharedFlowRevisionRecord): Promise<SharedFlowBundle> => {
    const files = await readBundleZip(await store.getBlob(record.sha256), limits, { root: 'sharedflowbundle' });
    return parseSharedFlowBundle(files, { registry: deps.registry, name: record.name }).bundle;
  };

  const deployments = createSharedFlowDeployments({ deps, loadRevision, loadBundle, commit });
  const flowHooks = createFlowHookChanges({ deps, registryOf: (organization, environment) => deployments.environmentOf(organization, environment).registry, commit });

  return {
    check: (_organization, name, bytes) => parse(name, bytes),
    async importRevision(input) {
      const { organization, name, user } = input;
      const parsed = await parse(name, input.bytes);
      if (input.validate && parsed.problems.length > 0) throw new BundleError(parsed.problems);
      return withNameLock(organization, name, async () => {
        // The blob first: a crash before the commit leaves an unreferenced blob and the number unallocated.
        const sha256 = await store.putBlob(input.bytes);
        const previous = getSharedFlow(organization, name);
        const revision = listRevisions(organization, name).reduce((max, r) => Math.max(max, r.revision), previous?.highestRevision ?? 0) + 1;
        const now = deps.now();
        const sharedFlow: SharedFlowRecord = previous
          ? { ...previous, lastModifiedAt: now, lastModifiedBy: user, highestRevision: revision }
          : { organization, name, createdAt: now, createdBy: user, lastModifiedAt: now, lastModifiedBy: user, highestRevision: revision };
        const record = toSharedFlowRevisionRecord({
          organization, name, revision, sha256, sizeBytes: input.bytes.byteLength, createdAt: now, createdBy: user, problems: parsed.problems,
        }, parsed.bundle);
        const key = toSharedFlowRevisionKey(organization, name, revision);
        await commit([
          { collection: SHARED_FLOWS, key: toSharedFlowKey(organization, name), value: sharedFlow },
          { collection: SHARED_FLOW_REVISIONS, key, value: record },
        ]);
        return store.get<SharedFlowRevisionRecord>(SHARED_FLOW_REVISIONS, key)!;
      });
    },
    getSharedFlow,
    listSharedFlows: (organization) => store.list<SharedFlowRecord>(SHARED_FLOWS, { prefix: `${organization}/` }).map((e) => e.value).filter((r) => r.organization === organization).sort(byName),
    getRevision,
    listRevisions,
    exportRevision: (record) => store.getBlob(record.sha256),
    // Held still with deployments, then the name's lock: no deploy can start between the check and the delete.
    deleteSharedFlow: (organization, name) => deps.exclusive(() => withNameLock(organization, name, async () => {
      const sharedFlow = getSharedFlow(organization, name);
      if (!sharedFlow) throw new AdminError('SharedFlowDoesNotExist', [name, organization]);
      const deployed = deployments.listDeployments(organization, { name })[0];
      if (deployed) throw new AdminError('ApplicationDeployed', [`SharedFlow ${name} (revision ${deployed.revision} in environment ${deployed.environment})`]);
      const revisions = listRevisions(organization, name);
      await commit([
        ...revisions.map((r) => ({ collection: SHARED_FLOW_REVISIONS, key: toSharedFlowRevisionKey(organization, name, r.revision), value: null })),
        { collection: SHARED_FLOWS, key: toSharedFlowKey(organization, name), value: null },
      ]);
      return { sharedFlow, revisions };
    })),
    deleteRevision: (organization, name, revision, user) => deps.exclusive(() => withNameLock(organization, name, async () => {
      const record = loadRevision(organization, name, revision);
      const deployed = deployments.listDeployments(organization, { name }).find((d) => d.revision === revision);
      if (deployed) throw new AdminError('ApplicationDeployed', [`Revision ${revision} of SharedFlow ${name} (environment ${deployed.environment})`]);
      const sharedFlow = getSharedFlow(organization, name)!;
      const now = deps.now();
      await commit([
        { collection: SHARED_FLOW_REVISIONS, key: toSharedFlowRevisionKey(organization, name, revision), value: null },
        // The high-water mark stays: deleting the highest revision does not free its number.
        { collection: SHARED_FLOWS, key: toSharedFlowKey(organization, name), value: { ...sharedFlow, lastModifiedAt: now, lastModifiedBy: user, highestRevision: Math.max(sharedFlow.highestRevision, revision) } },
      ]);
      return record;
    })),
    deploy: deployments.deploy,
    undeploy: deployments.undeploy,
    listDeployments: deployments.listDeployments,
    getFlowHook: flowHooks.getFlowHook,
    attachFlowHook: flowHooks.attachFlowHook,
    detachFlowHook: flowHooks.detachFlowHook,
    async restore() {
      const result = await deployments.restore();
      flowHooks.restore();
      return result;
    },
    async reconcile() {
      const result = await deployments.reconcile();
      flowHooks.restore();
      return result;
    },
    close: deployments.close,
  };
}
