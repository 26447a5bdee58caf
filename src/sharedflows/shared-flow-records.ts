// Stored records of shared flows, their revisions, deployments and flow hooks: own collections, so API listings never see them.
import type { SharedFlowBundle } from '../bundle/shared-flow-bundle.js';
import type { FlowHookPoint } from '../engine/shared-flow.js';
import type { BundleProblem } from '../errors.js';
import type { ApiRecord } from '../revisions/revision-records.js';

export const SHARED_FLOWS = 'sharedflows';
export const SHARED_FLOW_REVISIONS = 'sharedflow-revisions';
export const SHARED_FLOW_DEPLOYMENTS = 'sharedflow-deployments';
export const FLOW_HOOKS = 'flowhooks';

/** A shared flow has exactly an API proxy's record fields (name, audit times, the revision high-water mark). */
export type SharedFlowRecord = ApiRecord;

export interface SharedFlowRevisionRecord {
  readonly organization: string;
  readonly name: string;
  readonly revision: number;
  /** sha-256 of the stored zip (the blob's key), exactly as imported. */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly displayName: string | undefined;
  readonly description: string | undefined;
  /** Policy names, sorted. */
  readonly policies: readonly string[];
  /** SharedFlow names (`sharedflows/*.xml`), sorted. */
  readonly sharedFlows: readonly string[];
  /** `type://name` of every resource file, sorted. */
  readonly resources: readonly string[];
  readonly problems: readonly BundleProblem[];
}

/** A shared flow has at most one revision deployed per environment. */
export interface SharedFlowDeploymentRecord {
  readonly organization: string;
  readonly environment: string;
  readonly name: string;
  readonly revision: number;
  readonly deployedAt: number;
  readonly deployedBy: string;
}

export interface FlowHookRecord {
  readonly organization: string;
  readonly environment: string;
  readonly point: FlowHookPoint;
  readonly sharedFlow: string;
  readonly continueOnError: boolean;
  readonly description: string;
  readonly attachedAt: number;
  readonly attachedBy: string;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function toSharedFlowRevisionRecord(
  identity: Pick<SharedFlowRevisionRecord, 'organization' | 'name' | 'revision' | 'sha256' | 'sizeBytes' | 'createdAt' | 'createdBy' | 'problems'>,
  bundle: SharedFlowBundle,
): SharedFlowRevisionRecord {
  return {
    ...identity,
    displayName: bundle.displayName,
    description: bundle.description,
    policies: bundle.policies.map((p) => p.name).sort(byCodeUnit),
    sharedFlows: bundle.sharedFlows.map((f) => f.name).sort(byCodeUnit),
    resources: [...bundle.resources.keys()].sort(byCodeUnit),
  };
}

export function toSharedFlowKey(organization: string, name: string): string {
  return `${organization}/${name}`;
}

/** Zero-padded so that the store's key order is numeric order. */
export function toSharedFlowRevisionKey(organization: string, name: string, revision: number): string {
  return `${organization}/${name}/${String(revision).padStart(10, '0')}`;
}

export function toSharedFlowDeploymentKey(organization: string, environment: string, name: string): string {
  return `${organization}/${environment}/${name}`;
}

export function toFlowHookKey(organization: string, environment: string, point: FlowHookPoint): string {
  return `${organization}/${environment}/${point}`;
}
