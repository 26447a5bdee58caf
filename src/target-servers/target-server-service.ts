// Creates, replaces and deletes API-managed TargetServers: checked against deployed revisions, committed, then made live.
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import { AdminError } from '../errors.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store } from '../store/store.js';
import type { TargetServerRegistry } from './create-target-server-registry.js';
import { findLoadBalancerProblem, listLoadBalancerUses, type LoadBalancerUse } from './list-load-balancer-uses.js';
import type { TargetServerInput } from './parse-target-server-json.js';
import { TARGET_SERVERS, toDefinition, toTargetServerJson, toTargetServerKey, type TargetServerJson, type TargetServerRecord } from './target-server-records.js';

export interface TargetServerServiceDeps {
  readonly registry: TargetServerRegistry;
  readonly store: Store;
  readonly deployments: DeploymentService;
  readonly revisions: RevisionService;
  readonly now: () => number;
}

export interface TargetServerChange {
  readonly organization: string;
  readonly environment: string;
  readonly user: string;
}

export interface TargetServerService {
  /** Configured and API-managed names, sorted. */
  list(organization: string, environment: string): string[];
  /** TargetServerDoesNotExist (404). */
  get(organization: string, environment: string, name: string): TargetServerJson;
  /** TargetServerAlreadyExists (409) for any existing name, configured ones included. */
  create(change: TargetServerChange, input: TargetServerInput): Promise<TargetServerJson>;
  /** PUT semantics (the whole definition). 404, 409 for a configured one, 409 when a deployed revision would break. */
  replace(change: TargetServerChange, input: TargetServerInput): Promise<TargetServerJson>;
  /** Returns what was deleted. 404, 409 for a configured one, 409 while a deployed revision uses it. */
  delete(change: TargetServerChange, name: string): Promise<TargetServerJson>;
}

/**
 * Changes run with deployments held still (deployments.exclusive): a deploy cannot compile against a TargetServer
 * between the in-use check and the commit. A change reaches revisions deployed after it (as in Apigee, where a
 * proxy picks up TargetServer changes when it is deployed again); revisions already serving keep the definition
 * they were compiled with.
 */
export function createTargetServerService(deps: TargetServerServiceDeps): TargetServerService {
  const { registry, store } = deps;
  // Revisions are immutable per zip: the LoadBalancer uses of a zip are parsed once.
  const usesBySha = new Map<string, LoadBalancerUse[]>();

  const usesOf = async (organization: string, api: string, revision: number): Promise<LoadBalancerUse[]> => {
    const record = deps.revisions.getRevision(organization, api, revision);
    if (!record) return [];
    let uses = usesBySha.get(record.sha256);
    if (!uses) {
      uses = listLoadBalancerUses(await deps.revisions.loadBundle(record));
      usesBySha.set(record.sha256, uses);
    }
    return uses;
  };

  /** Deployed revisions that use `name` and could no longer be deployed (at a restart) with `next`. */
  const findBrokenDeployments = async (organization: string, environment: string, name: string, next: ReadonlyMap<string, TargetServerDefinition>): Promise<string[]> => {
    const broken: string[] = [];
    const seen = new Set<string>();
    for (const deployment of deps.deployments.list(organization, { environment })) {
      const key = `${deployment.api}/${deployment.revision}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const use of await usesOf(organization, deployment.api, deployment.revision)) {
        if (!use.servers.includes(name)) continue;
        const problem = findLoadBalancerProblem(use, next);
        if (problem) broken.push(`${deployment.api} revision ${deployment.revision} (${problem})`);
      }
    }
    return broken;
  };

  const assertApiManaged = (organization: string, environment: string, name: string): TargetServerRecord => {
    const entry = registry.get(organization, environment, name);
    if (!entry) throw new AdminError('TargetServerDoesNotExist', [name, environment]);
    if (entry.source === 'config' || !entry.record) throw new AdminError('TargetServerConfigured', [name, environment]);
    return entry.record;
  };

  const commit = async (key: string, value: TargetServerRecord | null): Promise<void> => {
    try {
      await store.commit([{ collection: TARGET_SERVERS, key, value }]);
    } catch (err) {
      throw new AdminError('StoreFailure', [], { cause: err });
    }
  };

  const toRecord = (change: TargetServerChange, input: TargetServerInput, previous?: TargetServerRecord): TargetServerRecord => {
    const now = deps.now();
    return {
      organization: change.organization,
      environment: change.environment,
      name: input.name,
      host: input.host,
      port: input.port,
      isEnabled: input.isEnabled,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.ssl ? { ssl: input.ssl } : {}),
      createdAt: previous?.createdAt ?? now,
      createdBy: previous?.createdBy ?? change.user,
      lastModifiedAt: now,
      lastModifiedBy: change.user,
    };
  };

  const toJson = (record: TargetServerRecord): TargetServerJson => toTargetServerJson(toDefinition(record), record.description);

  return {
    list: (organization, environment) => registry.names(organization, environment),
    get(organization, environment, name) {
      const entry = registry.get(organization, environment, name);
      if (!entry) throw new AdminError('TargetServerDoesNotExist', [name, environment]);
      return toTargetServerJson(entry.definition, entry.record?.description);
    },
    create: (change, input) => deps.deployments.exclusive(async () => {
      const { organization, environment } = change;
      if (registry.get(organization, environment, input.name)) throw new AdminError('TargetServerAlreadyExists', [input.name, environment]);
      const record = toRecord(change, input);
      await commit(toTargetServerKey(organization, environment, input.name), record);
      registry.apply(record, { organization, environment, name: input.name });
      return toJson(record);
    }),
    replace: (change, input) => deps.deployments.exclusive(async () => {
      const { organization, environment } = change;
      const previous = assertApiManaged(organization, environment, input.name);
      const record = toRecord(change, input, previous);
      const next = new Map(registry.forEnvironment(organization, environment));
      next.set(input.name, toDefinition(record));
      const broken = await findBrokenDeployments(organization, environment, input.name, next);
      if (broken.length > 0) throw new AdminError('TargetServerInUse', [input.name, environment, broken.join('; ')], { details: { deployments: broken } });
      await commit(toTargetServerKey(organization, environment, input.name), record);
      registry.apply(record, { organization, environment, name: input.name });
      return toJson(record);
    }),
    delete: (change, name) => deps.deployments.exclusive(async () => {
      const { organization, environment } = change;
      const previous = assertApiManaged(organization, environment, name);
      const next = new Map(registry.forEnvironment(organization, environment));
      next.delete(name);
      const broken = await findBrokenDeployments(organization, environment, name, next);
      if (broken.length > 0) throw new AdminError('TargetServerInUse', [name, environment, broken.join('; ')], { details: { deployments: broken } });
      await commit(toTargetServerKey(organization, environment, name), null);
      registry.apply(null, { organization, environment, name });
      return toJson(previous);
    }),
  };
}
