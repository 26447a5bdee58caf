// The CompiledPolicy Quota and SpikeArrest share: bodies buffered for content refs, Apigee's failed flag set on any fault.
import type { FlowContext } from '../../engine/flow-context.js';
import type { CompiledPolicy } from '../policy-type.js';
import { isContentVariable } from './is-content-variable.js';

/** `check` counts the message and throws the policy's faults; `refs` are every variable it may read. */
export function toRateLimitPolicy(policyName: string, refs: readonly (string | undefined)[], check: (flow: FlowContext) => void): CompiledPolicy {
  return {
    readsContent: refs.some((ref) => ref !== undefined && isContentVariable(ref)),
    execute(flow) {
      try {
        check(flow);
      } catch (err) {
        // Apigee's fault variable: true whatever the fault.
        flow.setVariable(`ratelimit.${policyName}.failed`, true);
        throw err;
      }
    },
  };
}
