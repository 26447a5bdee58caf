// Runs one exchange through a compiled ProxyEndpoint in Apigee's order (compat §7.2–7.4), including the error flow.
import { runtimeFault, type PolicyFault } from '../errors.js';
import type { CompiledFlow, CompiledProxyEndpoint, CompiledStep, CompiledTargetEndpoint } from './compiled-revision.js';
import { ERROR_RESPONSE_CODE, errorResponseFault, toFaultResponse, toPolicyFault } from './fault-response.js';
import { runFaultRules } from './run-fault-rules.js';
import type { FlowContext } from './flow-context.js';
import { bufferContent, type FlowIo } from './flow-io.js';
import type { ExecutableSharedFlow, FlowHookPoint } from './shared-flow.js';

/** What ProxyEndpoints and TargetEndpoints share: their three request/response flows. */
type EndpointFlows = Pick<CompiledProxyEndpoint, 'preFlow' | 'flows' | 'postFlow'>;

/** Runs steps in order; a fault stops the flow unless the policy has continueOnError. */
export async function runSteps(ctx: FlowContext, steps: readonly CompiledStep[], io: FlowIo): Promise<void> {
  for (const step of steps) {
    // A policy answered during the request flow (ResponseCache hit, CORS preflight): the rest of the request side is skipped.
    if (ctx.responseReady && isRequestFlow(ctx)) return;
    if (step.needsContent) await bufferContent(ctx, io);
    if (step.condition && !step.condition(ctx)) continue;
    try {
      // A policy that finished synchronously (most do) costs no await: each one is a turn of the microtask queue.
      const pending = step.compiled.execute(ctx);
      if (pending) await pending;
    } catch (err) {
      if (!step.policy.continueOnError) throw err;
      ctx.setVariable(`${step.policy.type.toLowerCase()}.${step.name}.failed`, true);
      io.onSuppressedError(ctx, err, `continueOnError step ${step.name}`);
    }
  }
}

/** Runs a deployed shared flow's steps (FlowCallout, flow hooks); its revision counts the run as in flight until they end. */
export async function runSharedFlow(ctx: FlowContext, flow: ExecutableSharedFlow, io: FlowIo): Promise<void> {
  flow.acquire();
  try {
    await runSteps(ctx, flow.steps, io);
  } finally {
    flow.release();
  }
}

/** The shared flow attached at `point`; with the hook's continueOnError (Apigee's default) a fault is only reported. */
async function runFlowHook(ctx: FlowContext, point: FlowHookPoint, io: FlowIo): Promise<void> {
  const hook = ctx.init.flowHooks?.[point];
  if (!hook) return;
  ctx.currentFlowName = point;
  try {
    if (!hook.flow) throw runtimeFault('SharedFlowNotFound', [hook.sharedFlow]);
    await runSharedFlow(ctx, hook.flow, io);
  } catch (err) {
    if (!hook.continueOnError) throw err;
    io.onSuppressedError(ctx, err, point);
  }
}

function isRequestFlow(ctx: FlowContext): boolean {
  return ctx.flow === 'PROXY_REQ_FLOW' || ctx.flow === 'TARGET_REQ_FLOW';
}

/** The first conditional Flow whose condition holds (a Flow without a condition always matches). */
async function selectFlow(ctx: FlowContext, flows: readonly CompiledFlow[], io: FlowIo): Promise<CompiledFlow | undefined> {
  for (const flow of flows) {
    if (!flow.condition) return flow;
    if (flow.conditionNeedsContent) await bufferContent(ctx, io);
    if (flow.condition(ctx)) return flow;
  }
  return undefined;
}

/** PreFlow, the first matching conditional Flow and PostFlow of one side; returns the Flow chosen (its Response part runs later). */
async function runRequestSide(ctx: FlowContext, ep: EndpointFlows, io: FlowIo): Promise<CompiledFlow | undefined> {
  // Empty step lists are skipped without a call: each async call costs a promise, and most flows are empty.
  ctx.currentFlowName = 'PreFlow';
  if (ep.preFlow.request.length > 0) await runSteps(ctx, ep.preFlow.request, io);
  if (ctx.responseReady) return undefined;
  const flow = ep.flows.length === 0 ? undefined : await selectFlow(ctx, ep.flows, io);
  if (flow) {
    ctx.currentFlowName = flow.name;
    if (flow.request.length > 0) await runSteps(ctx, flow.request, io);
  }
  ctx.currentFlowName = 'PostFlow';
  if (ep.postFlow.request.length > 0) await runSteps(ctx, ep.postFlow.request, io);
  return flow;
}

async function runResponseSide(ctx: FlowContext, ep: EndpointFlows, flow: CompiledFlow | undefined, io: FlowIo): Promise<void> {
  ctx.currentFlowName = 'PreFlow';
  if (ep.preFlow.response.length > 0) await runSteps(ctx, ep.preFlow.response, io);
  if (flow) {
    ctx.currentFlowName = flow.name;
    if (flow.response.length > 0) await runSteps(ctx, flow.response, io);
  }
  ctx.currentFlowName = 'PostFlow';
  if (ep.postFlow.response.length > 0) await runSteps(ctx, ep.postFlow.response, io);
}

/** Whether a side has anything to run; an empty side is skipped without an async call (a promise per request saved). */
function hasRequestSteps(ep: EndpointFlows): boolean {
  return ep.preFlow.request.length > 0 || ep.flows.length > 0 || ep.postFlow.request.length > 0;
}

function hasResponseSteps(ep: EndpointFlows, flow: CompiledFlow | undefined): boolean {
  return ep.preFlow.response.length > 0 || (flow !== undefined && flow.response.length > 0) || ep.postFlow.response.length > 0;
}

/** What running an empty side leaves behind: `current.flow.name` ends at PostFlow, as when its steps ran. */
function skipSide(ctx: FlowContext): undefined {
  ctx.currentFlowName = 'PostFlow';
  return undefined;
}

async function runTargetEndpoint(ctx: FlowContext, te: CompiledTargetEndpoint, io: FlowIo): Promise<void> {
  ctx.flow = 'TARGET_REQ_FLOW';
  ctx.target.name = te.name;
  ctx.target.url = te.target.baseUrl;
  // Flow hooks (compat §7.2): the one null check is all a request pays when none is attached.
  if (ctx.init.flowHooks) await runFlowHook(ctx, 'PreTargetFlowHook', io);
  const flow = hasRequestSteps(te) ? await runRequestSide(ctx, te, io) : skipSide(ctx);
  if (!ctx.responseReady) await io.callTarget(ctx, te.target, te.loadBalancerPath);
  ctx.flow = 'TARGET_RESP_FLOW';
  if (!te.isSuccessStatus(ctx.response.statusCode)) throw errorResponseFault(ctx.response.statusCode);
  if (hasResponseSteps(te, flow)) await runResponseSide(ctx, te, flow, io);
  else skipSide(ctx);
  if (ctx.init.flowHooks) await runFlowHook(ctx, 'PostTargetFlowHook', io);
}

/** Puts the context into the error state with the response Apigee would start the error flow from. */
export function enterErrorFlow(ctx: FlowContext, fault: PolicyFault): void {
  ctx.fault = fault;
  // RaiseFault already built its response; a target error status keeps the target's response (compat §7.4).
  if (fault.raisedByRaiseFault || fault.errorCode === ERROR_RESPONSE_CODE) return;
  ctx.setMessage('response', toFaultResponse(fault));
}

/**
 * Runs the request and response flows. On return, ctx.response is what the client gets (its body possibly
 * still streaming from the target). Never throws: every fault ends in a fault response.
 */
export async function runProxyFlow(ctx: FlowContext, pe: CompiledProxyEndpoint, io: FlowIo): Promise<void> {
  try {
    await runProxyFlows(ctx, pe, io);
  } finally {
    ctx.runBeforeClientResponse();
  }
}

async function runProxyFlows(ctx: FlowContext, pe: CompiledProxyEndpoint, io: FlowIo): Promise<void> {
  let proxyFlow: CompiledFlow | undefined;
  try {
    ctx.flow = 'PROXY_REQ_FLOW';
    if (ctx.init.flowHooks) await runFlowHook(ctx, 'PreProxyFlowHook', io);
    proxyFlow = hasRequestSteps(pe) ? await runRequestSide(ctx, pe, io) : skipSide(ctx);
    if (ctx.responseReady) {
      ctx.flow = 'PROXY_RESP_FLOW';
      await runResponseSide(ctx, pe, proxyFlow, io);
      if (ctx.init.flowHooks) await runFlowHook(ctx, 'PostProxyFlowHook', io);
      return;
    }

    let route = undefined;
    for (const rule of pe.routeRules) {
      if (!rule.condition || rule.condition(ctx)) {
        route = rule;
        break;
      }
    }
    if (!route) throw runtimeFault('RouteFailed');
    ctx.routeName = route.name;
    if (route.targetEndpoint) {
      const te = route.targetEndpoint;
      try {
        await runTargetEndpoint(ctx, te, io);
      } catch (err) {
        const fault = toPolicyFault(err);
        enterErrorFlow(ctx, fault);
        // A TargetEndpoint fault is handled there first; only an unhandled one reaches the ProxyEndpoint (compat §7.4).
        if (await runFaultRules(ctx, te.faultRules, te.defaultFaultRule, 'top-down', io)) return;
        throw fault;
      }
    } else if (route.urlTarget) {
      ctx.flow = 'TARGET_REQ_FLOW';
      ctx.target.url = route.urlTarget.baseUrl;
      await io.callTarget(ctx, route.urlTarget, undefined);
      ctx.flow = 'TARGET_RESP_FLOW';
      if (ctx.response.statusCode >= 400) throw errorResponseFault(ctx.response.statusCode);
    }

    ctx.flow = 'PROXY_RESP_FLOW';
    if (hasResponseSteps(pe, proxyFlow)) await runResponseSide(ctx, pe, proxyFlow, io);
    else skipSide(ctx);
    if (ctx.init.flowHooks) await runFlowHook(ctx, 'PostProxyFlowHook', io);
  } catch (err) {
    const fault = toPolicyFault(err);
    if (ctx.fault !== fault) enterErrorFlow(ctx, fault);
    await runFaultRules(ctx, pe.faultRules, pe.defaultFaultRule, 'bottom-up', io);
  }
}

/** PostClientFlow response steps, after the response was sent; a fault there is only reported (compat §7.2). */
export async function runPostClientFlow(ctx: FlowContext, pe: CompiledProxyEndpoint, io: FlowIo): Promise<void> {
  if (pe.postClientFlow.response.length === 0) return;
  ctx.flow = 'POST_CLIENT_FLOW';
  ctx.currentFlowName = 'PostClientFlow';
  try {
    await runSteps(ctx, pe.postClientFlow.response, io);
  } catch (err) {
    io.onSuppressedError(ctx, err, 'PostClientFlow');
  }
}
