// Deployment JSON of compat §3.6-3.7: the single object, the seamless replacement form and listing entries.
import { toDeploymentServers, type DeploymentServerJson, type DeploymentState } from './to-deployment-servers.js';
import type { DeploymentView } from './to-deployment-view.js';

export interface DeploymentConfigurationJson {
  /** The deployment base path (compat §3.3), never the ProxyEndpoint's. */
  readonly basePath: string;
  readonly steps: readonly never[];
}

/**
 * Baton's addition to an Apigee deployment object (added fields only): present while a replaced revision drains,
 * or when the revision is a leftover (another revision of the proxy serves another base path since).
 */
export interface DrainingJson {
  readonly draining?: true;
  readonly inflight?: number;
  /** Epoch milliseconds. */
  readonly undeployAt?: number;
  readonly leftover?: true;
}

/** A listing entry: `name` is the revision number, or the environment name in the per-revision listing. */
export interface DeploymentEntryJson {
  readonly configuration: DeploymentConfigurationJson;
  readonly name: string;
  readonly server: readonly DeploymentServerJson[];
  readonly state: DeploymentState;
  readonly baton?: DrainingJson;
}

export interface DeploymentJson {
  readonly aPIProxy: string;
  readonly configuration: DeploymentConfigurationJson;
  readonly environment: string;
  readonly name: string;
  readonly organization: string;
  readonly revision: string;
  readonly server: readonly DeploymentServerJson[];
  readonly state: DeploymentState;
  readonly baton?: DrainingJson;
}

/** Clients tell it from the single object by `environment` being an array (compat §3.7). */
export interface SeamlessDeploymentJson {
  readonly aPIProxy: string;
  readonly organization: string;
  readonly environment: readonly DeploymentJson[];
}

function toDrainingField(view: DeploymentView): { baton?: DrainingJson } {
  if (view.draining) return { baton: { draining: true, inflight: view.draining.inflight, undeployAt: view.draining.undeployAt } };
  return view.leftover ? { baton: { leftover: true } } : {};
}

function toConfiguration(view: DeploymentView): DeploymentConfigurationJson {
  return { basePath: view.record.basePath, steps: [] };
}

export function toDeploymentJson(view: DeploymentView): DeploymentJson {
  const { record } = view;
  return {
    aPIProxy: record.api,
    configuration: toConfiguration(view),
    environment: record.environment,
    name: String(record.revision),
    organization: record.organization,
    revision: String(record.revision),
    server: toDeploymentServers(record.organization, record.environment, view.state),
    state: view.state,
    ...toDrainingField(view),
  };
}

/** The new revision first, then the replaced ones with their state at response time (compat §3.4 step 7). */
export function toSeamlessDeploymentJson(deployed: DeploymentView, replaced: readonly DeploymentView[]): SeamlessDeploymentJson {
  return {
    aPIProxy: deployed.record.api,
    organization: deployed.record.organization,
    environment: [deployed, ...replaced].map(toDeploymentJson),
  };
}

export function toDeploymentEntryJson(view: DeploymentView, name: string): DeploymentEntryJson {
  const { record } = view;
  return {
    configuration: toConfiguration(view),
    name,
    server: toDeploymentServers(record.organization, record.environment, view.state),
    state: view.state,
    ...toDrainingField(view),
  };
}
