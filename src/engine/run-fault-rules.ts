// FaultRule and DefaultFaultRule execution (compat §7.4, Apigee "FaultRule execution logic").
import { PolicyFault } from '../errors.js';
import type { CompiledDefaultFaultRule, CompiledFaultRule, CompiledStep } from './compiled-revision.js';
import type { FlowContext } from './flow-context.js';
import { bufferContent, type FlowIo } from './flow-io.js';

/**
 * Inside a FaultRule every step whose condition holds runs; a fault raised by one (a RaiseFault, typically)
 * does not stop the others. Returns true when a RaiseFault step ran.
 */
async function runFaultSteps(ctx: FlowContext, steps: readonly CompiledStep[], io: FlowIo): Promise<boolean> {
  let raised = false;
  for (const step of steps) {
    try {
      if (step.needsContent) await bufferContent(ctx, io);
      if (step.condition && !step.condition(ctx)) continue;
      await step.compiled.execute(ctx);
    } catch (err) {
      if (err instanceof PolicyFault && err.raisedByRaiseFault) raised = true;
      else io.onSuppressedError(ctx, err, `fault rule step ${step.name}`);
    }
  }
  return raised;
}

/**
 * Runs the one matching FaultRule (ProxyEndpoint rules bottom-up, TargetEndpoint rules top-down), then the
 * DefaultFaultRule when no rule ran, or also after one when AlwaysEnforce is set and that rule raised no fault.
 * Returns true when any handler ran (the fault counts as handled at this endpoint).
 */
export async function runFaultRules(
  ctx: FlowContext,
  rules: readonly CompiledFaultRule[],
  defaultRule: CompiledDefaultFaultRule | undefined,
  order: 'bottom-up' | 'top-down',
  io: FlowIo,
): Promise<boolean> {
  let matched: CompiledFaultRule | undefined;
  const count = rules.length;
  for (let i = 0; i < count; i++) {
    const rule = rules[order === 'top-down' ? i : count - 1 - i]!;
    if (!rule.condition || rule.condition(ctx)) {
      matched = rule;
      break;
    }
  }
  let raisedInRule = false;
  if (matched) {
    ctx.currentFlowName = matched.name;
    raisedInRule = await runFaultSteps(ctx, matched.steps, io);
  }
  if (defaultRule && (!matched || (defaultRule.alwaysEnforce && !raisedInRule))) {
    ctx.currentFlowName = defaultRule.name;
    await runFaultSteps(ctx, defaultRule.steps, io);
    return true;
  }
  return matched !== undefined;
}
