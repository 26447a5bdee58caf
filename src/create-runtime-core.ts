// What a single gateway and a data-plane worker both build first: master key, TargetServers, policy runtime, revisions, tracing and one EnvironmentRuntime per environment.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BatonConfig, EnvironmentConfig, OrganizationConfig } from './config.js';
import { createPolicyRuntime, type PolicyRuntime } from './create-policy-runtime.js';
import { createTargetClient } from './dataplane/target-client.js';
import { EnvironmentRuntime } from './deployments/environment-runtime.js';
import { loadMasterKey } from './developers/load-master-key.js';
import type { Metrics } from './metrics/create-metrics.js';
import { toCountedPolicyRegistry } from './metrics/policy-metrics.js';
import type { PolicyRegistry } from './policies/policy-registry.js';
import { createRevisionService, type RevisionService } from './revisions/revision-service.js';
import type { Store } from './store/store.js';
import { createTargetServerRegistry, type TargetServerRegistry } from './target-servers/create-target-server-registry.js';
import { ensureSelfSignedCertificate } from './tls/ensure-self-signed-certificate.js';
import { createTracing, type Tracing } from './tracing/create-tracing.js';

export interface RuntimeCoreDeps {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => number;
  readonly registry: PolicyRegistry;
  readonly metrics: Metrics;
  /** Closers of what this creates are pushed here, in creation order (the caller runs them in reverse). */
  readonly closers: Array<() => Promise<void>>;
}

export interface RuntimeCore {
  readonly environments: ReadonlyArray<{ org: OrganizationConfig; env: EnvironmentConfig }>;
  /** By `${organization}/${environment}`. */
  readonly runtimes: Map<string, EnvironmentRuntime>;
  readonly targetServerRegistry: TargetServerRegistry;
  readonly policyRuntime: PolicyRuntime;
  readonly revisions: RevisionService;
  /** The policy registry whose compiled policies count their executions and faults (parsing at import is unchanged). */
  readonly countedRegistry: PolicyRegistry;
  /** Span export; undefined when tracing is off. */
  readonly tracing: Tracing | undefined;
}

export async function createRuntimeCore(deps: RuntimeCoreDeps): Promise<RuntimeCore> {
  const { config, store, logger, now, metrics, closers } = deps;
  const { key: masterKey } = await loadMasterKey({ dataDir: config.dataDir, configured: config.masterKey, logger });
  const targetServerRegistry = createTargetServerRegistry({ config, store, logger });
  const policyRuntime = createPolicyRuntime({ config, store, logger, now, masterKey, metrics, targetServers: targetServerRegistry.forEnvironment });
  closers.push(() => policyRuntime.close());
  const revisions = createRevisionService({ store, registry: deps.registry, bundleLimits: { maxZipBytes: config.limits.maxBundleBytes }, now });
  const countedRegistry = toCountedPolicyRegistry(deps.registry, metrics.policies);
  const tracing = config.tracing?.enabled ? createTracing(config.tracing) : undefined;
  // Pushed before the listeners: closed after them, so the spans of the last requests are exported.
  if (tracing) closers.push(() => tracing.close());
  const runtimes = new Map<string, EnvironmentRuntime>();
  const environments: Array<{ org: OrganizationConfig; env: EnvironmentConfig }> = [];
  for (const org of config.organizations) {
    for (const env of org.environments) {
      environments.push({ org, env });
      runtimes.set(`${org.name}/${env.name}`, new EnvironmentRuntime({
        organization: org.name,
        environment: env.name,
        virtualHosts: env.virtualHosts.map((v) => v.name),
        targetServers: targetServerRegistry.forEnvironment(org.name, env.name),
        registry: countedRegistry,
        services: policyRuntime.forEnvironment(org.name, env.name),
        createTargetClient,
      }));
    }
  }
  return { environments, runtimes, targetServerRegistry, policyRuntime, revisions, countedRegistry, tracing };
}

/** The self-signed certificate of the secure virtual hosts that ask for one (created on first use); undefined when none does. */
export async function ensureVirtualHostCertificate(
  config: BatonConfig,
  environments: RuntimeCore['environments'],
): Promise<{ certFile: string; keyFile: string; created: boolean } | undefined> {
  const needsSelfSigned = environments.some(({ env }) => env.virtualHosts.some((v) => v.tls?.selfSigned));
  if (!needsSelfSigned) return undefined;
  const hostAliases = [...new Set(environments.flatMap(({ env }) => env.virtualHosts.flatMap((v) => v.hostAliases)))];
  return ensureSelfSignedCertificate(join(config.dataDir, 'tls'), hostAliases);
}
