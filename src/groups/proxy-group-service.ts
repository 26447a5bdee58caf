// API proxy groups: durable CRUD, and deploy / undeploy of all members as one atomic change with one history record.
import type { Logger } from 'pino';
import type { LeftoverRevisionPolicy } from '../config.js';
import type { EnvironmentChangeResult } from '../deployments/apply-environment-change.js';
import type { DeploymentRecord } from '../deployments/deployment-records.js';
import type { DeployHistoryNote, DeploymentService } from '../deployments/deployment-service.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import { failedProxyOf } from '../deployments/failed-proxy.js';
import { AdminError, BundleError } from '../errors.js';
import type { RevisionService } from '../revisions/revision-service.js';
import { createKeyedMutex } from '../store/create-keyed-mutex.js';
import type { Store } from '../store/store.js';
import type { ProxyGroupInput } from './parse-proxy-group-input.js';
import { isServing, planGroupDeployment, toMemberError, type GroupMemberPlan } from './plan-group-deployment.js';
import { PROXY_GROUPS, toProxyGroupKey, type ProxyGroupRecord } from './proxy-group-records.js';
import { toGroupDeploymentStatus, type GroupDeploymentStatus } from './to-group-deployment-status.js';

export interface ProxyGroupServiceDeps {
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly deployments: DeploymentService;
  /** Runtimes by `${organization}/${environment}`. */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly leftoverRevisions: LeftoverRevisionPolicy;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface GroupChangeInput {
  readonly organization: string;
  readonly environment: string;
  readonly name: string;
  readonly user: string;
  /** The history record's description (default names the group and the user). */
  readonly description?: string;
  readonly persistent?: boolean;
  /** Seconds the revisions taken out keep their in-flight requests; a deploy defaults to the group's deployDelaySeconds. */
  readonly delaySeconds?: number;
}

export interface GroupDeployResult {
  readonly group: ProxyGroupRecord;
  readonly members: readonly GroupMemberPlan[];
  readonly change: EnvironmentChangeResult;
}

export interface ProxyGroupService {
  list(organization: string): ProxyGroupRecord[];
  get(organization: string, name: string): ProxyGroupRecord | undefined;
  /** ProxyGroupAlreadyExists (409); a member proxy or pinned revision that does not exist is 404. */
  create(organization: string, input: ProxyGroupInput, user: string): Promise<ProxyGroupRecord>;
  /** Replaces members, settings and description; ProxyGroupDoesNotExist (404). Deployed members change at the next deploy. */
  replace(organization: string, input: ProxyGroupInput, user: string): Promise<ProxyGroupRecord>;
  /** ProxyGroupDeployed (409) while any environment serves a deployment of the group. */
  delete(organization: string, name: string): Promise<ProxyGroupRecord>;
  /**
   * Deploys every member (and undeploys what the group deployed that is no longer a member) in one commit and one
   * swap, with one history record of kind `group`. A member that cannot be deployed changes nothing: 400
   * ProxyGroupMemberInvalid or 409 ProxyGroupMemberConflict naming it and why.
   */
  deploy(input: GroupChangeInput): Promise<GroupDeployResult>;
  /** Undeploys every deployment the group made in the environment, as one change; ProxyGroupNotDeployed (400) when none. */
  undeploy(input: GroupChangeInput): Promise<EnvironmentChangeResult>;
  status(organization: string, environment: string, name: string): GroupDeploymentStatus;
  /** ProxyGroupMemberInUse (409) when a group has the proxy as a member (or pins that revision); run it inside deployments.exclusive. */
  assertNotMember(organization: string, api: string, revision?: number): void;
}

/** A change the deployment service refused, named after the member it failed on when it was one. */
function toGroupChangeError(err: unknown, group: ProxyGroupRecord, environment: string): unknown {
  const proxy = failedProxyOf(err);
  if (!proxy) return err;
  if (err instanceof BundleError) return toMemberError('invalid', group, environment, proxy.api, proxy.revision, err.problems.map((p) => `${p.file}: ${p.message}`).join('; '), err);
  if (err instanceof AdminError && err.status < 500) return toMemberError(err.status === 409 ? 'conflict' : 'invalid', group, environment, proxy.api, proxy.revision, err.message, err);
  return err;
}

export function createProxyGroupService(deps: ProxyGroupServiceDeps): ProxyGroupService {
  const { store, deployments, logger } = deps;
  // One change of a group at a time (CRUD, deploy, undeploy); lock order: this, then the deployment lock.
  const locks = createKeyedMutex();
  const get = (organization: string, name: string): ProxyGroupRecord | undefined => store.get<ProxyGroupRecord>(PROXY_GROUPS, toProxyGroupKey(organization, name));
  const list = (organization: string): ProxyGroupRecord[] => store.list<ProxyGroupRecord>(PROXY_GROUPS, { prefix: `${organization}/` }).map((e) => e.value);
  const assertExists = (organization: string, name: string): ProxyGroupRecord => {
    const group = get(organization, name);
    if (!group) throw new AdminError('ProxyGroupDoesNotExist', [name, organization]);
    return group;
  };
  const runtimeOf = (organization: string, environment: string): EnvironmentRuntime => {
    const runtime = deps.runtimes.get(`${organization}/${environment}`);
    if (!runtime) throw new AdminError('EnvironmentDoesNotExist', [environment, organization]);
    return runtime;
  };
  const groupDeploymentsOf = (organization: string, name: string, environment?: string): DeploymentRecord[] =>
    deployments.list(organization, environment === undefined ? {} : { environment }).filter((r) => r.group?.name === name && isServing(r));

  /** Members must exist now; checked with deployments held still, so a proxy cannot be deleted in between. */
  const assertMembersExist = (organization: string, input: ProxyGroupInput): void => {
    for (const member of input.members) {
      if (!deps.revisions.getApi(organization, member.api)) throw new AdminError('ApplicationDoesNotExist', [member.api, organization]);
      if (member.revision !== undefined && !deps.revisions.getRevision(organization, member.api, member.revision)) {
        throw new AdminError('RevisionDoesNotExist', [member.revision, member.api, organization]);
      }
    }
  };

  const save = (organization: string, input: ProxyGroupInput, user: string, mustExist: boolean): Promise<ProxyGroupRecord> =>
    locks.withLock(toProxyGroupKey(organization, input.name), () => deployments.exclusive(async () => {
      const previous = get(organization, input.name);
      if (mustExist && !previous) throw new AdminError('ProxyGroupDoesNotExist', [input.name, organization]);
      if (!mustExist && previous) throw new AdminError('ProxyGroupAlreadyExists', [input.name, organization]);
      assertMembersExist(organization, input);
      const now = deps.now();
      const record: ProxyGroupRecord = {
        organization, name: input.name, description: input.description, members: input.members, settings: input.settings,
        deployDelaySeconds: input.deployDelaySeconds,
        createdAt: previous?.createdAt ?? now, createdBy: previous?.createdBy ?? user, lastModifiedAt: now, lastModifiedBy: user,
      };
      await store.commit([{ collection: PROXY_GROUPS, key: toProxyGroupKey(organization, input.name), value: record }]);
      return get(organization, input.name) ?? record;
    }));

  const toNote = (input: GroupChangeInput, verb: string): DeployHistoryNote & { description: string } => ({
    kind: 'group', group: input.name, source: `group ${input.name}`, persistent: input.persistent ?? false,
    description: input.description ?? `${verb} proxy group ${input.name} by ${input.user}`,
  });

  /** A refusal before the change reached the deployment service still gets its one history record. */
  const refuse = async (input: GroupChangeInput, note: DeployHistoryNote & { description: string }, apis: readonly string[], err: unknown): Promise<never> => {
    await deployments.recordHistoryFailure({ organization: input.organization, environment: input.environment, apis, user: input.user, history: note, error: err });
    throw err;
  };

  return {
    list,
    get,
    create: (organization, input, user) => save(organization, input, user, false),
    replace: (organization, input, user) => save(organization, input, user, true),
    delete: (organization, name) =>
      locks.withLock(toProxyGroupKey(organization, name), () => deployments.exclusive(async () => {
        const group = assertExists(organization, name);
        const deployed = groupDeploymentsOf(organization, name)[0];
        if (deployed) throw new AdminError('ProxyGroupDeployed', [name, deployed.environment]);
        await store.commit([{ collection: PROXY_GROUPS, key: toProxyGroupKey(organization, name), value: null }]);
        return group;
      })),

    deploy: (input) => locks.withLock(toProxyGroupKey(input.organization, input.name), async () => {
      const { organization, environment } = input;
      const group = assertExists(organization, input.name);
      const runtime = runtimeOf(organization, environment);
      const note = toNote(input, 'Deployed');
      let plan;
      try {
        plan = await planGroupDeployment({ revisions: deps.revisions, deployments, leftoverRevisions: deps.leftoverRevisions }, group, environment, runtime);
      } catch (err) {
        return refuse(input, note, group.members.map((m) => m.api), err);
      }
      let change: EnvironmentChangeResult;
      try {
        change = await deployments.applyEnvironmentChange({
          organization, environment, user: input.user, changes: plan.changes, history: note,
          group: { name: group.name, settings: group.settings }, delaySeconds: input.delaySeconds ?? group.deployDelaySeconds,
        });
      } catch (err) {
        throw toGroupChangeError(err, group, environment);
      }
      const leftovers = plan.members.flatMap((m) => m.leftovers);
      if (leftovers.length > 0) {
        logger.warn({ org: organization, env: environment, group: group.name, leftovers: leftovers.map((r) => `${r.api}/${r.revision}@${r.basePath}`) },
          'leftover revisions: other revisions of group members stay deployed at other base paths');
      }
      logger.info({ org: organization, env: environment, group: group.name, history: change.history.id }, 'proxy group deployed');
      return { group, members: plan.members, change };
    }),

    undeploy: (input) => locks.withLock(toProxyGroupKey(input.organization, input.name), async () => {
      const { organization, environment } = input;
      const group = assertExists(organization, input.name);
      runtimeOf(organization, environment);
      const note = toNote(input, 'Undeployed');
      const records = groupDeploymentsOf(organization, group.name, environment);
      if (records.length === 0) return refuse(input, note, group.members.map((m) => m.api), new AdminError('ProxyGroupNotDeployed', [group.name, environment]));
      const byApi = new Map<string, number[]>();
      for (const r of records) byApi.set(r.api, [...(byApi.get(r.api) ?? []), r.revision]);
      const change = await deployments.applyEnvironmentChange({
        organization, environment, user: input.user, history: note, delaySeconds: input.delaySeconds ?? 0,
        changes: [...byApi].map(([api, undeploy]) => ({ api, undeploy })),
      });
      logger.info({ org: organization, env: environment, group: group.name, history: change.history.id }, 'proxy group undeployed');
      return change;
    }),

    status(organization, environment, name) {
      const group = assertExists(organization, name);
      runtimeOf(organization, environment);
      return toGroupDeploymentStatus(group, environment, groupDeploymentsOf(organization, name, environment), deps.revisions);
    },

    assertNotMember(organization, api, revision) {
      for (const group of list(organization)) {
        const member = group.members.find((m) => m.api === api);
        if (!member) continue;
        if (revision === undefined) throw new AdminError('ProxyGroupMemberInUse', [`APIProxy ${api}`, group.name]);
        if (member.revision === revision) throw new AdminError('ProxyGroupMemberInUse', [`Revision ${revision} of APIProxy ${api}`, group.name]);
      }
    },
  };
}
