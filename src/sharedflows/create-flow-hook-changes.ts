// Attaches and detaches shared flows on an environment's flow hooks: stored first, then live for every proxy at once.
import { AdminError } from '../errors.js';
import type { FlowHookPoint } from '../engine/shared-flow.js';
import { FLOW_HOOKS, SHARED_FLOWS, toFlowHookKey, toSharedFlowKey, type FlowHookRecord } from './shared-flow-records.js';
import type { SharedFlowRegistry } from './create-shared-flow-registry.js';
import type { SharedFlowService, SharedFlowServiceDeps } from './shared-flow-service.js';

export interface FlowHookContext {
  readonly deps: SharedFlowServiceDeps;
  /** EnvironmentDoesNotExist (404). */
  registryOf(organization: string, environment: string): SharedFlowRegistry;
  /** StoreFailure (500) when the commit fails. */
  commit: SharedFlowServiceDeps['store']['commit'];
}

type FlowHookChanges = Pick<SharedFlowService, 'getFlowHook' | 'attachFlowHook' | 'detachFlowHook'> & {
  /** Start-up, and a worker following the primary: makes every environment's attachments what the records say. */
  restore(): void;
};

export function createFlowHookChanges(ctx: FlowHookContext): FlowHookChanges {
  const { deps } = ctx;
  const { store } = deps;
  const getFlowHook = (organization: string, environment: string, point: FlowHookPoint): FlowHookRecord | undefined =>
    store.get<FlowHookRecord>(FLOW_HOOKS, toFlowHookKey(organization, environment, point));

  return {
    getFlowHook,
    // Serialized with deployments: the shared flow cannot be undeployed between the check and the attach.
    attachFlowHook: (input) => deps.exclusive(async () => {
      const { organization, environment, point, sharedFlow } = input;
      const registry = ctx.registryOf(organization, environment);
      if (!store.get(SHARED_FLOWS, toSharedFlowKey(organization, sharedFlow))) throw new AdminError('SharedFlowDoesNotExist', [sharedFlow, organization]);
      // Apigee runs only a deployed shared flow at a hook: attaching one that is not deployed there is refused.
      if (!registry.deployed.has(sharedFlow)) throw new AdminError('SharedFlowNotDeployed', [sharedFlow, environment]);
      const record: FlowHookRecord = {
        organization, environment, point, sharedFlow, continueOnError: input.continueOnError, description: input.description,
        attachedAt: deps.now(), attachedBy: input.user,
      };
      await ctx.commit([{ collection: FLOW_HOOKS, key: toFlowHookKey(organization, environment, point), value: record }]);
      registry.setHook(point, { sharedFlow, continueOnError: input.continueOnError });
      deps.logger.info({ org: organization, env: environment, flowHook: point, sharedFlow }, 'shared flow attached to a flow hook');
      return record;
    }),
    detachFlowHook: (organization, environment, point) => deps.exclusive(async () => {
      const registry = ctx.registryOf(organization, environment);
      const existing = getFlowHook(organization, environment, point);
      if (!existing) return undefined;
      await ctx.commit([{ collection: FLOW_HOOKS, key: toFlowHookKey(organization, environment, point), value: null }]);
      registry.setHook(point, undefined);
      deps.logger.info({ org: organization, env: environment, flowHook: point, sharedFlow: existing.sharedFlow }, 'shared flow detached from a flow hook');
      return existing;
    }),
    restore() {
      for (const key of deps.runtimes.keys()) {
        const [organization, environment] = key.split('/') as [string, string];
        const registry = deps.sharedFlowsOf(organization, environment);
        const records = store.list<FlowHookRecord>(FLOW_HOOKS, { prefix: `${organization}/${environment}/` }).map((e) => e.value)
          .filter((value) => value.organization === organization && value.environment === environment);
        const points = new Set(records.map((r) => r.point));
        for (const point of [...registry.hooks.keys()]) if (!points.has(point)) registry.setHook(point, undefined);
        for (const value of records) {
          // A hook whose shared flow could not be restored stays attached and faults (SharedFlowNotFound) until it is.
          registry.setHook(value.point, { sharedFlow: value.sharedFlow, continueOnError: value.continueOnError });
        }
      }
    },
  };
}
