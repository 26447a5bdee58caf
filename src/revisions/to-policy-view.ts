// The policy JSON of `POST`/`GET …/revisions/{rev}/policies/{name}` (compat §2.5.4, our choice: the shape is not published).
import type { PolicyConfig } from '../bundle/proxy-bundle.js';

export interface PolicyView {
  readonly name: string;
  readonly policyType: string;
  readonly displayName: string;
  readonly enabled: boolean;
  readonly continueOnError: boolean;
  readonly async: boolean;
  readonly faultRules: never[];
}

export function toPolicyView(policy: PolicyConfig): PolicyView {
  return {
    name: policy.name,
    policyType: policy.type,
    displayName: policy.displayName ?? policy.name,
    enabled: policy.enabled,
    continueOnError: policy.continueOnError,
    // compat §6.5: `async` is ignored, and policy-level FaultRules are not supported.
    async: false,
    faultRules: [],
  };
}
