// The shared flow JSON of the management API: the shared flow, a revision, a deployment and the deployment listings (Edge shapes).
import { toDeploymentServers, type DeploymentServerJson, type DeploymentState } from './to-deployment-servers.js';
import { toResourceName } from '../revisions/find-revision-file.js';
import { toManifestVersion, type RevisionView } from '../revisions/to-revision-view.js';
import type { FlowHookPoint } from '../engine/shared-flow.js';
import type { FlowHookRecord, SharedFlowDeploymentRecord, SharedFlowRecord, SharedFlowRevisionRecord } from '../sharedflows/shared-flow-records.js';

export interface SharedFlowView {
  readonly metaData: { readonly createdAt: number; readonly createdBy: string; readonly lastModifiedAt: number; readonly lastModifiedBy: string; readonly subType: 'SharedFlow' };
  readonly name: string;
  /** Revision numbers as strings, ascending (compat §1.5). */
  readonly revision: string[];
}

export function toSharedFlowView(record: SharedFlowRecord, revisions: readonly Pick<SharedFlowRevisionRecord, 'revision'>[]): SharedFlowView {
  return {
    metaData: { createdAt: record.createdAt, createdBy: record.createdBy, lastModifiedAt: record.lastModifiedAt, lastModifiedBy: record.lastModifiedBy, subType: 'SharedFlow' },
    name: record.name,
    revision: revisions.map((r) => r.revision).sort((a, b) => a - b).map(String),
  };
}

/** The API proxy revision shape (compat §2.5.2) with Edge's shared flow values: `subType` SharedFlow, `sharedFlows` filled. */
export type SharedFlowRevisionView = Omit<RevisionView, 'proxyEndpoints' | 'targetEndpoints'>;

export function toSharedFlowRevisionView(record: SharedFlowRevisionRecord): SharedFlowRevisionView {
  return {
    basepaths: [],
    configurationVersion: { majorVersion: 4, minorVersion: 0 },
    contextInfo: `Revision ${record.revision} of application ${record.name}, in organization ${record.organization}`,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    description: record.description ?? record.name,
    displayName: record.displayName ?? record.name,
    entityMetaDataAsProperties: {
      bundle_type: 'zip', createdAt: String(record.createdAt), createdBy: record.createdBy,
      lastModifiedAt: String(record.createdAt), lastModifiedBy: record.createdBy, subType: 'SharedFlow',
    },
    // Revisions of shared flows are never edited in place: last modified is when it was imported.
    lastModifiedAt: record.createdAt,
    lastModifiedBy: record.createdBy,
    manifestVersion: toManifestVersion(record.sha256),
    name: record.name,
    policies: [...record.policies],
    proxies: [],
    resourceFiles: { resourceFile: record.resources.map(toResourceName) },
    resources: [...record.resources],
    revision: String(record.revision),
    sharedFlows: [...record.sharedFlows],
    spec: '',
    targetServers: [],
    targets: [],
    type: 'Application',
  };
}

export interface SharedFlowDeploymentJson {
  readonly environment: string;
  readonly name: string;
  readonly organization: string;
  readonly revision: string;
  readonly server: readonly DeploymentServerJson[];
  readonly sharedFlow: string;
  readonly state: DeploymentState;
}

export function toSharedFlowDeploymentJson(record: SharedFlowDeploymentRecord, state: DeploymentState): SharedFlowDeploymentJson {
  return {
    environment: record.environment,
    name: String(record.revision),
    organization: record.organization,
    revision: String(record.revision),
    server: toDeploymentServers(record.organization, record.environment, state),
    sharedFlow: record.name,
    state,
  };
}

interface RevisionEntryJson {
  readonly name: string;
  readonly server: readonly DeploymentServerJson[];
  readonly state: DeploymentState;
}

const toEntry = (record: SharedFlowDeploymentRecord, name: string): RevisionEntryJson => ({
  name, server: toDeploymentServers(record.organization, record.environment, 'deployed'), state: 'deployed',
});

const byEnvironment = (a: SharedFlowDeploymentRecord, b: SharedFlowDeploymentRecord): number => (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0);

/** `GET …/sharedflows/{name}/deployments`: one entry per environment holding its revision; none: `"environment": []`. */
export function toSharedFlowDeploymentsJson(organization: string, name: string, records: readonly SharedFlowDeploymentRecord[]) {
  return {
    environment: [...records].sort(byEnvironment).map((r) => ({ name: r.environment, revision: [toEntry(r, String(r.revision))] })),
    name,
    organization,
  };
}

/** `GET …/environments/{env}/sharedflows/{name}/deployments`. */
export function toEnvironmentSharedFlowDeploymentsJson(record: SharedFlowDeploymentRecord) {
  return { environment: record.environment, name: record.name, organization: record.organization, revision: [toEntry(record, String(record.revision))] };
}

/** `GET …/sharedflows/{name}/revisions/{rev}/deployments`: the environments serving that revision. */
export function toRevisionSharedFlowDeploymentsJson(organization: string, name: string, revision: number, records: readonly SharedFlowDeploymentRecord[]) {
  return { environment: [...records].sort(byEnvironment).map((r) => toEntry(r, r.environment)), name: String(revision), organization, sharedFlow: name };
}

export interface FlowHookJson {
  readonly name: FlowHookPoint;
  readonly flowHookPoint: FlowHookPoint;
  readonly description: string;
  /** Absent when nothing is attached (Apigee answers without a name then, not an error). */
  readonly sharedFlow?: string;
  readonly continueOnError?: boolean;
}

export function toFlowHookJson(point: FlowHookPoint, record: FlowHookRecord | undefined): FlowHookJson {
  if (!record) return { name: point, flowHookPoint: point, description: '' };
  return { name: point, flowHookPoint: point, description: record.description, sharedFlow: record.sharedFlow, continueOnError: record.continueOnError };
}
