// One environment's live deployments: compiles revisions against the environment and swaps its routing snapshot.
import type { HttpTargetConnectionConfig, ProxyBundle } from '../bundle/proxy-bundle.js';
import { DeployedRevision } from '../dataplane/deployed-revision.js';
import { RouteTable, toRouteTargets, type RouteTarget } from '../dataplane/route-table.js';
import type { TargetClient } from '../dataplane/target-client.js';
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import { compileRevision, type GroupPolicy } from '../engine/compile-revision.js';
import type { PolicyRegistry } from '../policies/policy-registry.js';
import type { PolicyServices } from '../policies/policy-services.js';

export interface EnvironmentRuntimeOptions {
  readonly organization: string;
  readonly environment: string;
  readonly virtualHosts: readonly string[];
  /** Live (the management API changes it): each compile reads the definitions current at that moment. */
  readonly targetServers: ReadonlyMap<string, TargetServerDefinition>;
  readonly registry: PolicyRegistry;
  /** The environment's policy services; compiled policies of every revision deployed here share them. */
  readonly services: PolicyServices;
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
  private readonly table = new RouteTable();
  private readonly revisions = new Map<string, DeployedRevision>();
  private readonly targets = new Map<DeployedRevision, RouteTarget[]>();
  /** Deployed revisions per proxy, so a deploy looks at its own proxy's revisions, not at everything deployed. */
  private readonly byApi = new Map<string, Set<DeployedRevision>>();

  constructor(options: EnvironmentRuntimeOptions) {
    this.options = options;
  }

  /** The routing state; the data plane resolves each request against it once, on arrival. */
  readonly getRouteTable = (): RouteTable => this.table;

  get deployed(): ReadonlyMap<string, DeployedRevision> {
    return this.revisions;
  }

  /** The revisions of one proxy serving in this environment. */
  deployedOf(api: string): readonly DeployedRevision[] {
    const set = this.byApi.get(api);
    return set ? [...set] : [];
  }

  /**
   * Compiles a revision for this environment, with the policies of the proxy group that deploys it (if any); throws
   * BundleError and leaves nothing open when it cannot run here.
   */
  compile(api: string, revision: number, bundle: ProxyBundle, deploymentBasePath: string, groupPolicies?: readonly GroupPolicy[]): DeployedRevision {
    const compiled = compileRevision(
      { organization: this.options.organization, environment: this.options.environment, apiName: api, revision, bundle, ...(groupPolicies ? { groupPolicies } : {}) },
      { registry: this.options.registry, services: this.options.services, targetServers: this.options.targetServers, virtualHosts: this.options.virtualHosts, createTargetClient: this.options.createTargetClient },
    );
    return new DeployedRevision(compiled, deploymentBasePath);
  }

  /** Every (virtual host, effective base path) of `candidate` already served by a revision not in `ignoring`. O(its endpoints). */
  findConflicts(candidate: DeployedRevision, ignoring: ReadonlySet<string> = new Set()): BasePathConflict[] {
    const conflicts: BasePathConflict[] = [];
    for (const { endpoint, basePath } of toRouteTargets(candidate)) {
      for (const vh of endpoint.virtualHosts) {
        const current = this.table.get(vh, basePath);
        if (!current) continue;
        const key = toDeployedKey(current.deployed.compiled.apiName, current.deployed.compiled.revision);
        if (!ignoring.has(key)) conflicts.push({ virtualHost: vh, basePath, deployed: current.deployed });
      }
    }
    return conflicts;
  }

  /**
   * Installs `add` and removes the `remove` keys in one synchronous step: requests arriving afterwards see all of
   * it, requests already running finish on what they resolved. O(what changes). Throws before changing anything
   * if the result would serve a base path twice. Returns the removed revisions; the caller drains and closes them.
   */
  swap(changes: { add?: readonly DeployedRevision[]; remove?: readonly string[] }): DeployedRevision[] {
    const removed: DeployedRevision[] = [];
    for (const key of changes.remove ?? []) {
      const old = this.revisions.get(key);
      if (old) removed.push(old);
    }
    for (const deployed of changes.add ?? []) {
      const old = this.revisions.get(toDeployedKey(deployed.compiled.apiName, deployed.compiled.revision));
      if (old && old !== deployed && !removed.includes(old)) removed.push(old);
    }
    const added = (changes.add ?? []).map((deployed) => ({ deployed, targets: toRouteTargets(deployed) }));
    this.table.apply({ add: added.flatMap((a) => a.targets), remove: removed.flatMap((r) => this.targets.get(r) ?? []) });
    for (const old of removed) {
      this.targets.delete(old);
      this.revisions.delete(toDeployedKey(old.compiled.apiName, old.compiled.revision));
      const set = this.byApi.get(old.compiled.apiName);
      set?.delete(old);
      if (set?.size === 0) this.byApi.delete(old.compiled.apiName);
    }
    for (const { deployed, targets } of added) {
      this.targets.set(deployed, targets);
      this.revisions.set(toDeployedKey(deployed.compiled.apiName, deployed.compiled.revision), deployed);
      let set = this.byApi.get(deployed.compiled.apiName);
      if (!set) this.byApi.set(deployed.compiled.apiName, (set = new Set()));
      set.add(deployed);
    }
    return removed;
  }
}
