// The shared flow service's contract: import and store revisions, deploy them per environment, attach them to flow hooks.
import type { Logger } from 'pino';
import type { BundleLimits } from '../bundle/bundle-limits.js';
import type { SharedFlowBundle } from '../bundle/shared-flow-bundle.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import type { FlowHookPoint } from '../engine/shared-flow.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { Store } from '../store/store.js';
import type { FlowHookRecord, SharedFlowDeploymentRecord, SharedFlowRecord, SharedFlowRevisionRecord } from './shared-flow-records.js';
import type { SharedFlowRegistry } from './create-shared-flow-registry.js';

export interface SharedFlowServiceDeps {
  readonly store: Store;
  readonly registry: PolicyRegistry;
  readonly bundleLimits: Partial<BundleLimits>;
  readonly logger: Logger;
  readonly now: () => number;
  /** Runtimes by `${organization}/${environment}`: shared flows compile against the environment like proxies. */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  /** The live shared flows of an environment (the registry its PolicyServices hold). */
  readonly sharedFlowsOf: (organization: string, environment: string) => SharedFlowRegistry;
  /**
   * Runs a task one at a time with every API proxy deployment change (DeploymentService.exclusive): a proxy deploy
   * checks which shared flows are deployed, a shared flow undeploy checks which proxies call it.
   */
  readonly exclusive: <T>(task: () => Promise<T>) => Promise<T>;
  /** Longest a replaced shared flow revision waits for its runs in flight before its policies are destroyed. */
  readonly drainCeilingMs: number;
}

export interface ImportSharedFlowInput {
  readonly organization: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly user: string;
  /** Refuse a bundle with deployability problems; otherwise store it with them (it cannot deploy until fixed). */
  readonly validate: boolean;
}

export interface SharedFlowDeployInput {
  readonly organization: string;
  readonly environment: string;
  readonly name: string;
  readonly revision: number;
  /** Replace the revision deployed there (Apigee requires it to replace one). */
  readonly override?: boolean;
  readonly user: string;
}

export interface SharedFlowDeployResult {
  readonly deployed: SharedFlowDeploymentRecord;
  /** The revision it replaced. */
  readonly replaced: SharedFlowDeploymentRecord | undefined;
  /** False when the revision was already deployed there. */
  readonly changed: boolean;
}

export type FlowHookAttachInput = Pick<FlowHookRecord, 'organization' | 'environment' | 'point' | 'sharedFlow' | 'continueOnError' | 'description'> & {
  readonly user: string;
};

export interface SharedFlowService {
  /** Parses without storing: the bundle and its deployability problems (action=validate). */
  check(organization: string, name: string, bytes: Uint8Array): Promise<{ bundle: SharedFlowBundle; problems: SharedFlowRevisionRecord['problems'] }>;
  /** Stores the bundle as the shared flow's next revision (never a number used before), creating the shared flow if new. */
  importRevision(input: ImportSharedFlowInput): Promise<SharedFlowRevisionRecord>;
  getSharedFlow(organization: string, name: string): SharedFlowRecord | undefined;
  /** Sorted by name. */
  listSharedFlows(organization: string): SharedFlowRecord[];
  getRevision(organization: string, name: string, revision: number): SharedFlowRevisionRecord | undefined;
  /** Ascending by number. */
  listRevisions(organization: string, name: string): SharedFlowRevisionRecord[];
  /** The zip as imported. */
  exportRevision(record: SharedFlowRevisionRecord): Promise<Uint8Array>;
  /** SharedFlowDoesNotExist (404); ApplicationDeployed (400) while a revision is deployed. Returns what was deleted. */
  deleteSharedFlow(organization: string, name: string): Promise<{ sharedFlow: SharedFlowRecord; revisions: SharedFlowRevisionRecord[] }>;
  /** ApplicationDeployed (400) while it is deployed; the high-water mark of numbers stays. */
  deleteRevision(organization: string, name: string, revision: number, user: string): Promise<SharedFlowRevisionRecord>;
  /** Compiles beside the live revision, stores, then swaps: proxies calling it run the new revision on their next call. */
  deploy(input: SharedFlowDeployInput): Promise<SharedFlowDeployResult>;
  /** SharedFlowInUse (409) while deployed proxies, shared flows or flow hooks of the environment use it. */
  undeploy(input: Omit<SharedFlowDeployInput, 'override'>): Promise<SharedFlowDeploymentRecord>;
  listDeployments(organization: string, filter?: { environment?: string; name?: string }): SharedFlowDeploymentRecord[];
  getFlowHook(organization: string, environment: string, point: FlowHookPoint): FlowHookRecord | undefined;
  /** Attaches (or replaces) the shared flow of a hook; live at once for every proxy of the environment. */
  attachFlowHook(input: FlowHookAttachInput): Promise<FlowHookRecord>;
  /** Returns what was attached (undefined when nothing was). */
  detachFlowHook(organization: string, environment: string, point: FlowHookPoint, user: string): Promise<FlowHookRecord | undefined>;
  /** Start-up, before API proxy deployments are restored (their FlowCallouts need the shared flows). */
  restore(): Promise<{ restored: number; failed: Array<{ record: SharedFlowDeploymentRecord; reason: string }> }>;
  /**
   * A data-plane worker following the primary: installs the deployments and flow hook attachments the records add or
   * change, removes the ones they dropped (replaced revisions drain). Checks are the primary's: nothing is refused.
   */
  reconcile(): Promise<{ restored: number; failed: Array<{ record: SharedFlowDeploymentRecord; reason: string }> }>;
  /** Waits for drains in progress, then releases every deployed revision. */
  close(): Promise<void>;
}
