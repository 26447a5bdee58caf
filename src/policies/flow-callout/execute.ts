// FlowCallout at deploy and per request: sets the parameters, then runs the steps of the shared flow deployed in the environment now.
import { runtimeFault } from '../../errors.js';
import { runSharedFlow } from '../../engine/run-proxy-flow.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { parseFlowCallout, type FlowCalloutConfig } from './parse.js';

export function compileFlowCallout(config: FlowCalloutConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const name = config.sharedFlowBundle;
  const sharedFlows = ctx.services.sharedFlows;
  // Apigee refuses to deploy a proxy whose FlowCallout names a shared flow not deployed in the environment.
  if (!sharedFlows.get(name)) throw new Error(`SharedFlowBundle ${name} is not deployed in environment ${ctx.environment}; deploy the shared flow first`);
  // Undeploying the shared flow is refused while this compiled policy exists (released at close, after the revision drained).
  const release = sharedFlows.reference(name, { apiName: ctx.apiName, revision: ctx.revision });
  const { parameters } = config;
  return {
    readsContent: false,
    async execute(flow) {
      // Looked up per call: redeploying the shared flow takes effect without redeploying the proxy (Apigee semantics).
      const sharedFlow = sharedFlows.get(name);
      if (!sharedFlow) throw runtimeFault('SharedFlowNotFound', [name]);
      const io = flow.init.io;
      if (!io) throw new Error('FlowCallout runs only inside the flow runner (FlowContextInit.io is not set)');
      for (const parameter of parameters) {
        const referenced = parameter.ref === undefined ? undefined : flow.getVariable(parameter.ref);
        const value = referenced ?? parameter.value;
        if (value !== undefined) flow.setVariable(parameter.name, value);
      }
      await runSharedFlow(flow, sharedFlow, io);
    },
    close: release,
  };
}

export const flowCalloutPolicy: PolicyType<FlowCalloutConfig> = {
  type: 'FlowCallout',
  parse: parseFlowCallout,
  compile: compileFlowCallout,
};
