// What the flow runner needs from the data plane, and body buffering before a step reads content.
import type { TargetClient } from '../dataplane/target-client.js';
import type { FlowContext } from './flow-context.js';

export interface FlowIo {
  readonly maxBufferedBodyBytes: number;
  /** Sends ctx.request to the target and stores its response (body still streaming) in ctx.response. */
  callTarget(ctx: FlowContext, target: TargetClient, loadBalancerPath: string | undefined): Promise<void>;
  /** Reports an error that does not change the response (continueOnError, PostClientFlow, faults inside FaultRules). */
  onSuppressedError(ctx: FlowContext, err: unknown, where: string): void;
}

/** Buffers the bodies a step may read: the request always, the response once there is one to read. */
export async function bufferContent(ctx: FlowContext, io: FlowIo): Promise<void> {
  await ctx.request.bufferContent(io.maxBufferedBodyBytes);
  if (ctx.flow !== 'PROXY_REQ_FLOW' && ctx.flow !== 'TARGET_REQ_FLOW') await ctx.response.bufferContent(io.maxBufferedBodyBytes);
}
