// One environment's live deployments: compiles revisions against the environment and swaps its routing snapshot.
import type { HttpTargetConnectionConfig, ProxyBundle } from '../bundle/proxy-bundle.js';
import { DeployedRevision } from '../dataplane/deployed-revision.js';
import { buildRouteTable, emptyRouteTable, type RouteTable, type RouteTarget } from '../dataplane/route-table.js';
import type { TargetClient } from '../dataplane/target-client.js';
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import { compileRevision } from '../engine/compile-revision.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';

export interface EnvironmentRuntimeOptions {
  readonly organization: string;
  readonly environment: string;
  readonly virtualHosts: readonly string[];
  readonly targetServers: ReadonlyMap<string, TargetServerDefinition>;
  readonly registry: PolicyRegistry;
  readonly createTargetClient: (connection: HttpTargetConnectionConfig, deps: { targetServers: ReadonlyMap<string, TargetServerDefinition> }) => TargetClient;
}

/** A place where a new revision would collide with a deployed one. */
export interface BasePathConflict {
  readonly virtualHost: string;
  readonly basePath: string;
  readonly deployed: DeployedRevision;
}

export function toDeployedKey(api: string, revision: number): string {
  return `${api}/${revision}`;
}

export class EnvironmentRuntime {
  readonly options: EnvironmentRuntimeOptions;
  private table: RouteTable = emptyRouteTable;
  private revisions = new Map<string, DeployedRevision>();

  constructor(options: EnvironmentRuntimeOptions) {
    this.options = options;
  }

  /** The current snapshot; the data plane reads it once per request. */
  readonly getRouteTable = (): RouteTable => this.table;

  get deployed(): ReadonlyMap<string, DeployedRevision> {
    return this.revisions;
  }

  /** Compiles a revision for this environment; throws BundleError and leaves nothing open when it cannot run here. */
  compile(api: string, revision: number, bundle: ProxyBundle, deploymentBasePath: string): DeployedRevision {
    const compiled = compileRevision(
      { organization: this.options.organization, environment: this.options.environment, apiName: api, revision, bundle },
      { registry: this.options.registry, targetServers: this.options.targetServers, virtualHosts: this.options.virtualHosts, createTargetClient: this.options.createTargetClient },
    );
    return new DeployedRevision(compiled, deploymentBasePath);
  }

  /** Every (virtual host, effective base path) of `candidate` already served by a revision not in `ignoring`. */
  findConflicts(candidate: DeployedRevision, ignoring: ReadonlySet<string> = new Set()): BasePathConflict[] {
    const conflicts: BasePathConflict[] = [];
    for (const endpoint of candidate.compiled.proxyEndpoints) {
      const basePath = candidate.effectiveBasePath(endpoint);
      for (const target of this.table.targets) {
        const key = toDeployedKey(target.deployed.compiled.apiName, target.deployed.compiled.revision);
        if (ignoring.has(key) || target.basePath !== basePath) continue;
        const shared = endpoint.virtualHosts.find((vh) => target.endpoint.virtualHosts.includes(vh));
        if (shared !== undefined) conflicts.push({ virtualHost: shared, basePath, deployed: target.deployed });
      }
    }
    return conflicts;
  }

  /**
   * Installs `add` and removes the `remove` keys in one reference swap (STYLE §3). Requests already running keep
   * the snapshot they started on. Returns the removed revisions; the caller drains and closes them.
   */
  swap(changes: { add?: readonly DeployedRevision[]; remove?: readonly string[] }): DeployedRevision[] {
    const next = new Map(this.revisions);
    const removed: DeployedRevision[] = [];
    for (const key of changes.remove ?? []) {
      const old = next.get(key);
      if (old) removed.push(old);
      next.delete(key);
    }
    for (const deployed of changes.add ?? []) {
      const key = toDeployedKey(deployed.compiled.apiName, deployed.compiled.revision);
      const old = next.get(key);
      if (old && old !== deployed) removed.push(old);
      next.set(key, deployed);
    }
    const targets: RouteTarget[] = [];
    for (const deployed of next.values()) {
      for (const endpoint of deployed.compiled.proxyEndpoints) targets.push({ deployed, endpoint, basePath: deployed.effectiveBasePath(endpoint) });
    }
    // Built completely before the assignment: if it throws, the live snapshot is untouched.
    const table = buildRouteTable(targets);
    this.table = table;
    this.revisions = next;
    return removed;
  }
}
