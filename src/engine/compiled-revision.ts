// The runnable form of a revision: conditions, policies and target clients compiled once at deploy.
import type { PolicyConfig } from '../bundle/proxy-bundle.js';
import type { TargetClient } from '../dataplane/target-client.js';
import type { CompiledPolicy } from '../policies/policy-type.js';
import type { CompiledCondition } from './condition/compile-condition.js';

export interface CompiledStep {
  readonly name: string;
  readonly policy: PolicyConfig;
  readonly compiled: CompiledPolicy;
  readonly condition: CompiledCondition | undefined;
  /** The step or its condition reads message content: the runner buffers bodies first. */
  readonly needsContent: boolean;
}

export interface CompiledFlow {
  readonly name: string;
  readonly condition: CompiledCondition | undefined;
  readonly conditionNeedsContent: boolean;
  readonly request: readonly CompiledStep[];
  readonly response: readonly CompiledStep[];
}

export interface CompiledFaultRule {
  readonly name: string;
  readonly condition: CompiledCondition | undefined;
  readonly steps: readonly CompiledStep[];
}

export interface CompiledDefaultFaultRule {
  readonly name: string;
  readonly steps: readonly CompiledStep[];
  readonly alwaysEnforce: boolean;
}

export interface CompiledTargetEndpoint {
  readonly name: string;
  readonly preFlow: CompiledFlow;
  readonly flows: readonly CompiledFlow[];
  readonly postFlow: CompiledFlow;
  readonly faultRules: readonly CompiledFaultRule[];
  readonly defaultFaultRule: CompiledDefaultFaultRule | undefined;
  readonly target: TargetClient;
  /** Status codes treated as success besides 1xx–3xx (`success.codes`). */
  readonly isSuccessStatus: (status: number) => boolean;
  /** The `<Path>` of a LoadBalancer connection, prefixed to the request path. */
  readonly loadBalancerPath: string | undefined;
}

export interface CompiledRouteRule {
  readonly name: string;
  readonly condition: CompiledCondition | undefined;
  /** A TargetEndpoint route; both undefined is a null route. */
  readonly targetEndpoint: CompiledTargetEndpoint | undefined;
  /** A direct-URL route (compat §6.3): no TargetEndpoint flows. */
  readonly urlTarget: TargetClient | undefined;
}

export interface CompiledProxyEndpoint {
  readonly name: string;
  readonly basePath: string;
  readonly virtualHosts: readonly string[];
  readonly preFlow: CompiledFlow;
  readonly flows: readonly CompiledFlow[];
  readonly postFlow: CompiledFlow;
  readonly postClientFlow: CompiledFlow;
  readonly faultRules: readonly CompiledFaultRule[];
  readonly defaultFaultRule: CompiledDefaultFaultRule | undefined;
  readonly routeRules: readonly CompiledRouteRule[];
}

export interface CompiledRevision {
  readonly organization: string;
  readonly environment: string;
  readonly apiName: string;
  readonly revision: number;
  readonly proxyEndpoints: readonly CompiledProxyEndpoint[];
  /** Releases target pools and policy resources; waits for requests still using the pools. */
  close(): Promise<void>;
  /** Releases everything now, aborting target calls still in flight (the drain ceiling). */
  destroy(): Promise<void>;
}
