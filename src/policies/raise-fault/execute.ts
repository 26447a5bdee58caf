// RaiseFault at deploy and per request: builds a fresh response from <FaultResponse>, makes it the response, and raises the fault.
import { PolicyFault } from '../../errors.js';
import { toFaultResponse } from '../../engine/fault-response.js';
import { Message } from '../../engine/message.js';
import type { CompiledPolicy, PolicyCompileContext, PolicyType } from '../policy-type.js';
import { compileMessageActions } from '../shared/compile-message-actions.js';
import { parseRaiseFault, type RaiseFaultConfig } from './parse.js';

export function compileRaiseFault(config: RaiseFaultConfig, ctx: PolicyCompileContext): CompiledPolicy {
  const policyName = ctx.policy.name;
  const actions = config.faultResponse && compileMessageActions(config.faultResponse, {
    policyType: 'RaiseFault',
    policyName,
    strict: !config.ignoreUnresolvedVariables,
  });
  const toFault = (status: number) => new PolicyFault({
    faultName: 'RaiseFault',
    errorCode: 'steps.raisefault.RaiseFault',
    status,
    message: `Raising fault. Fault name : ${policyName}`,
    policyName,
    raisedByRaiseFault: true,
  });
  return {
    readsContent: actions?.readsContent ?? false,
    execute(flow) {
      if (!actions) {
        // Without a FaultResponse Apigee answers with its default fault body for this fault.
        const fault = toFault(500);
        flow.setMessage('response', toFaultResponse(fault));
        throw fault;
      }
      const response = new Message('response');
      response.statusCode = 500;
      // Applied before the swap so that Copy source="response" still reads the response being replaced.
      actions.apply(flow, response);
      flow.setMessage('response', response);
      throw toFault(response.statusCode);
    },
  };
}

export const raiseFaultPolicy: PolicyType<RaiseFaultConfig> = {
  type: 'RaiseFault',
  parse: parseRaiseFault,
  compile: compileRaiseFault,
};
