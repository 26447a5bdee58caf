// One environment's live shared flows: the deployed revision of each, who calls them, and the flow hook set built from both.
import type { CompiledRevision } from '../engine/compiled-revision.js';
import { flowHookPoints, type AttachedFlowHook, type ExecutableSharedFlow, type FlowHookPoint, type FlowHookSet } from '../engine/shared-flow.js';

/** The compiled code that calls a shared flow: a revision of an API proxy, or of another shared flow. */
export interface SharedFlowCaller {
  readonly apiName: string;
  readonly revision: number;
}

/** What policies reach through `PolicyServices.sharedFlows`. */
export interface SharedFlowAccess {
  /** The revision of `name` deployed in this environment right now (a redeploy shows at once), or undefined. */
  get(name: string): ExecutableSharedFlow | undefined;
  /**
   * Records that a compiled policy calls `name`, until the returned release runs (at the policy's close): undeploying
   * `name` is refused meanwhile, so a revision still serving or draining never loses a shared flow it calls.
   */
  reference(name: string, caller: SharedFlowCaller): () => void;
}

/** A deployed shared flow revision: its compiled policies, the flows it calls, its in-flight runs. */
export interface DeployedSharedFlow extends ExecutableSharedFlow {
  readonly compiled: CompiledRevision;
  /** Shared flows its FlowCallout policies name. */
  readonly calls: readonly string[];
  readonly inflight: number;
  /** Resolves once no run of its steps is in flight. */
  whenIdle(): Promise<void>;
}

export interface FlowHookAttachment {
  readonly sharedFlow: string;
  readonly continueOnError: boolean;
}

export interface SharedFlowRegistry extends SharedFlowAccess {
  readonly organization: string;
  readonly environment: string;
  readonly deployed: ReadonlyMap<string, DeployedSharedFlow>;
  readonly hooks: ReadonlyMap<FlowHookPoint, FlowHookAttachment>;
  /** Serves `flow` from now on; returns the revision it replaced (the caller drains and closes it). */
  install(flow: DeployedSharedFlow): DeployedSharedFlow | undefined;
  /** Stops serving `name`; returns what served it. */
  remove(name: string): DeployedSharedFlow | undefined;
  /** Who calls `name`: compiled revisions not closed yet, as `APIProxy x revision 3` or `SharedFlow y revision 1`. */
  callersOf(name: string): string[];
  setHook(point: FlowHookPoint, attachment: FlowHookAttachment | undefined): void;
  /** The hook set requests capture; undefined when no hook is attached (the runner's only cost then). */
  readonly getFlowHooks: () => FlowHookSet | undefined;
  /** The access the policies of a shared flow revision get: their calls are recorded as that shared flow's. */
  forSharedFlow(name: string, revision: number): SharedFlowAccess;
}

export function createSharedFlowRegistry(organization: string, environment: string): SharedFlowRegistry {
  const deployed = new Map<string, DeployedSharedFlow>();
  const hooks = new Map<FlowHookPoint, FlowHookAttachment>();
  // name → caller label → how many compiled policies of that caller reference it.
  const callers = new Map<string, Map<string, number>>();
  let hookSet: FlowHookSet | undefined;

  // Rebuilt on every change of hooks or deployments (admin time), so a request only reads one reference.
  const rebuildHookSet = (): void => {
    if (hooks.size === 0) {
      hookSet = undefined;
      return;
    }
    const set: Partial<Record<FlowHookPoint, AttachedFlowHook>> = {};
    for (const point of flowHookPoints) {
      const hook = hooks.get(point);
      if (hook) set[point] = Object.freeze({ ...hook, flow: deployed.get(hook.sharedFlow) });
    }
    hookSet = Object.freeze(set);
  };

  const reference = (name: string, label: string): (() => void) => {
    let byCaller = callers.get(name);
    if (!byCaller) callers.set(name, (byCaller = new Map()));
    byCaller.set(label, (byCaller.get(label) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const current = callers.get(name);
      const count = (current?.get(label) ?? 1) - 1;
      if (count > 0) current!.set(label, count);
      else {
        current?.delete(label);
        if (current?.size === 0) callers.delete(name);
      }
    };
  };
  const get = (name: string): ExecutableSharedFlow | undefined => deployed.get(name);

  return {
    organization,
    environment,
    deployed,
    hooks,
    get,
    reference: (name, caller) => reference(name, `APIProxy ${caller.apiName} revision ${caller.revision}`),
    install(flow) {
      const old = deployed.get(flow.name);
      deployed.set(flow.name, flow);
      rebuildHookSet();
      return old === flow ? undefined : old;
    },
    remove(name) {
      const old = deployed.get(name);
      deployed.delete(name);
      rebuildHookSet();
      return old;
    },
    callersOf: (name) => [...(callers.get(name)?.keys() ?? [])].sort(),
    setHook(point, attachment) {
      if (attachment) hooks.set(point, attachment);
      else hooks.delete(point);
      rebuildHookSet();
    },
    getFlowHooks: () => hookSet,
    forSharedFlow: (name, revision) => ({ get, reference: (callee) => reference(callee, `SharedFlow ${name} revision ${revision}`) }),
  };
}
