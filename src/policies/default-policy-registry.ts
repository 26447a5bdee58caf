// The policy types Baton ships with; the composition root passes this registry to parseBundle and compileRevision.
import { assignMessagePolicy } from './assign-message/execute.js';
import { extractVariablesPolicy } from './extract-variables/execute.js';
import { createPolicyRegistry, type PolicyRegistry } from './policy-registry.js';
import { raiseFaultPolicy } from './raise-fault/execute.js';

export function createDefaultPolicyRegistry(): PolicyRegistry {
  // One line per type; a new policy type is one import and one line here.
  return createPolicyRegistry([
    assignMessagePolicy,
    extractVariablesPolicy,
    raiseFaultPolicy,
  ]);
}
