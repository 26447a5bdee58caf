// The typed model of an imported API proxy bundle: what parseBundle produces and compileRevision consumes.

/** A Step reference inside a flow; `condition` is validated condition text (compiled at deploy). */
export interface StepConfig {
  readonly name: string;
  readonly condition?: string;
}

export interface FlowConfig {
  readonly name: string;
  readonly condition?: string;
  readonly request: readonly StepConfig[];
  readonly response: readonly StepConfig[];
}

export interface FaultRuleConfig {
  readonly name: string;
  readonly condition?: string;
  readonly steps: readonly StepConfig[];
}

export interface DefaultFaultRuleConfig {
  readonly name: string;
  readonly steps: readonly StepConfig[];
  readonly alwaysEnforce: boolean;
}

export interface RouteRuleConfig {
  readonly name: string;
  readonly condition?: string;
  /** Name of a TargetEndpoint of the bundle (its XML `name` attribute). */
  readonly targetEndpoint?: string;
  /** Direct URL (compat §6.3, our choice): a call with no TargetEndpoint flows. */
  readonly url?: string;
}

export interface ProxyEndpointConfig {
  /** XML `name` attribute (falls back to the file name without `.xml`). */
  readonly name: string;
  /** Path inside `apiproxy/`, for error messages. */
  readonly file: string;
  /** Normalized `<BasePath>`: leading `/`, no trailing `/` except `/` itself. */
  readonly basePath: string;
  /** `<VirtualHost>` names; empty means every virtual host of the environment. */
  readonly virtualHosts: readonly string[];
  readonly properties: ReadonlyMap<string, string>;
  readonly preFlow: FlowConfig;
  readonly flows: readonly FlowConfig[];
  readonly postFlow: FlowConfig;
  /** Only its response steps run (after the response is sent). */
  readonly postClientFlow: FlowConfig;
  readonly faultRules: readonly FaultRuleConfig[];
  readonly defaultFaultRule?: DefaultFaultRuleConfig;
  readonly routeRules: readonly RouteRuleConfig[];
}

export type LoadBalancerAlgorithm = 'RoundRobin' | 'Weighted' | 'LeastConnections';

export interface LoadBalancerServerConfig {
  /** Name of an environment TargetServer. */
  readonly name: string;
  readonly weight: number;
  readonly isFallback: boolean;
}

export interface LoadBalancerConfig {
  readonly algorithm: LoadBalancerAlgorithm;
  readonly servers: readonly LoadBalancerServerConfig[];
  /** Consecutive failures that mark a server down; 0 disables passive health. */
  readonly maxFailures: number;
  readonly retryEnabled: boolean;
}

export interface SslInfoConfig {
  readonly enabled: boolean;
  readonly ignoreValidationErrors: boolean;
  readonly clientAuthEnabled: boolean;
}

export interface HttpTargetConnectionConfig {
  /** Absolute http(s) URL; exactly one of `url` and `loadBalancer` is set. */
  readonly url?: string;
  readonly loadBalancer?: LoadBalancerConfig;
  /** Path prefix used with `loadBalancer`. */
  readonly path?: string;
  /** Transport properties (`connect.timeout.millis`, `io.timeout.millis`, `keepalive.timeout.millis`, `success.codes`, …). */
  readonly properties: ReadonlyMap<string, string>;
  readonly ssl?: SslInfoConfig;
}

export interface TargetEndpointConfig {
  readonly name: string;
  readonly file: string;
  readonly preFlow: FlowConfig;
  readonly flows: readonly FlowConfig[];
  readonly postFlow: FlowConfig;
  readonly faultRules: readonly FaultRuleConfig[];
  readonly defaultFaultRule?: DefaultFaultRuleConfig;
  readonly connection: HttpTargetConnectionConfig;
}

/** A policy after its type's `parse` ran: `config` is that type's typed configuration. */
export interface PolicyConfig {
  readonly name: string;
  /** Root element name, e.g. `AssignMessage`. */
  readonly type: string;
  readonly file: string;
  readonly enabled: boolean;
  readonly continueOnError: boolean;
  readonly displayName?: string;
  readonly config: unknown;
}

export interface ProxyBundle {
  /** Root XML metadata (documentation only). */
  readonly displayName?: string;
  readonly description?: string;
  readonly basepaths: readonly string[];
  readonly proxyEndpoints: readonly ProxyEndpointConfig[];
  readonly targetEndpoints: readonly TargetEndpointConfig[];
  readonly policies: readonly PolicyConfig[];
  /** Resource files keyed `type://name` (e.g. `jsc://lib/util.js`). */
  readonly resources: ReadonlyMap<string, Uint8Array>;
  /** Every file under `apiproxy/` as read, keyed by its path inside `apiproxy/` (e.g. `policies/AM.xml`). */
  readonly files: ReadonlyMap<string, Uint8Array>;
}
