// What the flow runner and FlowCallout need of shared flows: a deployed flow's compiled steps, and an environment's flow hooks.
import type { CompiledStep } from './compiled-revision.js';

/** A shared flow revision deployed in an environment, ready to run. */
export interface ExecutableSharedFlow {
  readonly name: string;
  readonly revision: number;
  readonly steps: readonly CompiledStep[];
  /** Counts one run of the steps as in flight: a replaced revision is released only after its runs end. */
  acquire(): void;
  release(): void;
}

/** Apigee's four flow hook points, in the order a request meets them (compat §7.2). */
export const flowHookPoints = ['PreProxyFlowHook', 'PreTargetFlowHook', 'PostTargetFlowHook', 'PostProxyFlowHook'] as const;
export type FlowHookPoint = (typeof flowHookPoints)[number];

export function isFlowHookPoint(name: string): name is FlowHookPoint {
  return (flowHookPoints as readonly string[]).includes(name);
}

export interface AttachedFlowHook {
  readonly sharedFlow: string;
  /** Apigee's default is true: a fault of the shared flow is reported and the request goes on. */
  readonly continueOnError: boolean;
  /** The revision deployed when the hook set was built; undefined when none is (the hook then raises SharedFlowNotFound). */
  readonly flow: ExecutableSharedFlow | undefined;
}

/** An environment's attached flow hooks at one moment; the data plane captures it when a request arrives. */
export type FlowHookSet = Readonly<Partial<Record<FlowHookPoint, AttachedFlowHook>>>;
