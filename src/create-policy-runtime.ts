// Builds the gateway-wide state behind policies (callout client, counters, caches, KVMs, API keys, shared flows) and one PolicyServices per environment.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { BatonConfig, CacheResourceConfig } from './config.js';
import { createCalloutClient, type CalloutClient } from './callouts/create-callout-client.js';
import { createEnvironmentCaches } from './caches/create-environment-caches.js';
import { createKvmCipher } from './kvms/create-kvm-cipher.js';
import { createKvmService } from './kvms/create-kvm-service.js';
import type { KvmService } from './kvms/kvm-service.js';
import { createApiKeyIndex, type ApiKeyIndex } from './developers/create-api-key-index.js';
import { createKeyVault } from './developers/create-key-vault.js';
import { masterKeyMismatchMessage, toMasterKeyCheckOps } from './developers/master-key-check.js';
import type { PolicyServices } from './policies/policy-services.js';
import { createRateLimitCounters, type RateLimitCounters } from './rate-limits/create-rate-limit-counters.js';
import { createSharedFlowRegistry, type SharedFlowRegistry } from './sharedflows/create-shared-flow-registry.js';
import type { Store } from './store/store.js';
import { join } from 'node:path';
import type { TargetServerDefinition } from './dataplane/target-server.js';
import { createMessageLogSenders, type MessageLogSenders } from './message-logging/create-message-log-senders.js';
import type { Metrics } from './metrics/create-metrics.js';
import { createStatisticsRecorder } from './policies/statistics-collector/create-statistics-recorder.js';
import { availableParallelism } from 'node:os';
import { createScriptPool } from './scripts/create-script-pool.js';
import { compileTrustedProxies } from './policies/access-control/trusted-proxies.js';

// Apigee's default connect timeout for callouts (ServiceCallout's HTTPTargetConnection default).
const CALLOUT_CONNECT_TIMEOUT_MS = 3_000;
// JavaScript policy: script host processes (at least two, so one runaway script never holds every host) and the V8 heap of each.
const SCRIPT_HOSTS = Math.max(2, Math.min(4, availableParallelism()));
const SCRIPT_HOST_HEAP_MB = 128;

export interface PolicyRuntimeDeps {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => number;
  /** Seals and indexes API keys (loadMasterKey); absent: a random key for this process (tests with a fresh store). */
  readonly masterKey?: Uint8Array;
  /** The live TargetServers of an environment (ServiceCallout LoadBalancer). */
  readonly targetServers: (organization: string, environment: string) => ReadonlyMap<string, TargetServerDefinition>;
  /** The gateway's metrics: StatisticsCollector counts and MessageLogging drops go there. */
  readonly metrics: Metrics;
  /** The only directory MessageLogging `File` destinations write in; default `<dataDir>/message-logs`. */
  readonly messageLogDir?: string;
}

export interface PolicyRuntime {
  readonly callouts: CalloutClient;
  /** Key value maps (the management API and KeyValueMapOperations share this service; encrypted maps use the master key). */
  readonly kvms: KvmService;
  /** Developers, apps, keys and products in memory (VerifyAPIKey); the DeveloperService writes through it. */
  readonly apiKeys: ApiKeyIndex;
  /** MessageLogging destinations, shared by every environment. */
  readonly messageLogging: MessageLogSenders;
  /** The services of one environment; the same object for every call with the same names. */
  forEnvironment(organization: string, environment: string): PolicyServices;
  /** The environment's live shared flows and flow hooks (the same registry its PolicyServices hold). */
  sharedFlowsOf(organization: string, environment: string): SharedFlowRegistry;
  close(): Promise<void>;
}

export function createPolicyRuntime(deps: PolicyRuntimeDeps): PolicyRuntime {
  const { config, logger, now } = deps;
  const callouts = createCalloutClient({ maxResponseBytes: config.limits.maxBufferedBodyBytes, connectTimeoutMs: CALLOUT_CONNECT_TIMEOUT_MS });
  // Hosts start with the first compiled JavaScript policy, not with the gateway.
  const scripts = createScriptPool({ logger: logger.child({ component: 'scripts' }), hosts: SCRIPT_HOSTS, maxHeapMb: SCRIPT_HOST_HEAP_MB });
  const byEnvironment = new Map<string, PolicyServices>();
  const isTrustedProxy = compileTrustedProxies(config.dataplane.trustedProxies ?? []);
  const masterKey = deps.masterKey ?? randomBytes(32);
  // One vault for the master key check record: written with the first credential or encrypted KVM entry, checked here.
  const vault = createKeyVault(masterKey);
  const apiKeys = createApiKeyIndex(deps.store, vault);
  const kvms = createKvmService({
    store: deps.store, cipher: createKvmCipher(masterKey), now, secretCommitOps: () => toMasterKeyCheckOps(deps.store, vault), masterKeyMismatchMessage,
  });
  const rateLimitCounters: RateLimitCounters[] = [];
  const messageLogging = createMessageLogSenders({
    logDir: deps.messageLogDir ?? join(config.dataDir, 'message-logs'),
    logger: logger.child({ component: 'message-logging' }),
    onDropped: (transport, reason) => deps.metrics.messageLoggingDropped.inc({ transport, reason }),
  });
  const sharedFlowRegistries = new Map<string, SharedFlowRegistry>();
  const sharedFlowRegistryOf = (key: string, organization: string, environment: string): SharedFlowRegistry => {
    let registry = sharedFlowRegistries.get(key);
    if (!registry) sharedFlowRegistries.set(key, (registry = createSharedFlowRegistry(organization, environment)));
    return registry;
  };
  return {
    callouts,
    kvms,
    apiKeys,
    messageLogging,
    sharedFlowsOf: (organization, environment) => sharedFlowRegistryOf(`${organization}/${environment}`, organization, environment),
    forEnvironment(organization, environment) {
      const key = `${organization}/${environment}`;
      let services = byEnvironment.get(key);
      if (!services) {
        const envLogger = logger.child({ org: organization, env: environment });
        services = {
          organization,
          environment,
          logger: envLogger,
          now,
          callouts,
          targetServers: deps.targetServers(organization, environment),
          messageLogging,
          statistics: createStatisticsRecorder(environment, deps.metrics.statisticsCollected),
          caches: createEnvironmentCaches(cacheResourcesOf(config, organization, environment), now),
          kvms,
          rateLimits: rateLimitCountersOf(rateLimitCounters, environment, deps, envLogger),
          rateLimitStatus: toRateLimitStatus(config, organization),
          sharedFlows: sharedFlowRegistryOf(key, organization, environment),
          apiKeys,
          scripts,
          isTrustedProxy,
        };
        byEnvironment.set(key, services);
      }
      return services;
    },
    async close() {
      for (const counters of rateLimitCounters) counters.close();
      await Promise.all([callouts.close(), messageLogging.close(), scripts.close()]);
    },
  };
}

function rateLimitCountersOf(all: RateLimitCounters[], environment: string, deps: PolicyRuntimeDeps, logger: Logger): RateLimitCounters {
  const counters = createRateLimitCounters({
    ...(deps.config.limits.maxRateLimitIdentifiersPerPolicy !== undefined ? { maxIdentifiersPerPolicy: deps.config.limits.maxRateLimitIdentifiersPerPolicy } : {}),
    onEvicted(scope, first) {
      deps.metrics.rateLimitCounterEvictions.inc({ env: environment, proxy: scope.apiName });
      if (first) {
        logger.warn({ api: scope.apiName, policy: scope.policyName, metric: 'baton_rate_limit_counter_evictions_total' },
          'a rate-limit policy holds its maximum number of identifiers: live counters are being evicted and start over (raise limits.maxRateLimitIdentifiersPerPolicy or use a less varied Identifier)');
      }
    },
  });
  all.push(counters);
  return counters;
}

/** Apigee answers Quota and SpikeArrest violations with 500 unless the organization opts in to 429 (compat §12). */
function toRateLimitStatus(config: BatonConfig, organization: string): 429 | 500 {
  const org = config.organizations.find((o) => o.name === organization);
  return org?.properties['features.isHTTPStatusTooManyRequestEnabled']?.trim().toLowerCase() === 'true' ? 429 : 500;
}

/** The environment's configured cache resources (none for an environment the config does not have). */
function cacheResourcesOf(config: BatonConfig, organization: string, environment: string): readonly CacheResourceConfig[] {
  return config.organizations.find((o) => o.name === organization)?.environments.find((e) => e.name === environment)?.caches ?? [];
}
