// What compiled policies may use beyond their own config: per-environment services built by createPolicyRuntime.
import type { Logger } from 'pino';
import type { CalloutClient } from '../callouts/create-callout-client.js';
import type { EnvironmentCaches } from '../caches/create-environment-caches.js';
import type { KvmService } from '../kvms/kvm-service.js';
import type { ApiKeyVerifier } from '../developers/api-key-verifier.js';
import type { RateLimitCounters } from '../rate-limits/create-rate-limit-counters.js';
import type { SharedFlowAccess } from '../sharedflows/create-shared-flow-registry.js';
import type { TargetServerDefinition } from '../dataplane/target-server.js';
import type { MessageLogSenders } from '../message-logging/create-message-log-senders.js';
import type { StatisticsRecorder } from './statistics-collector/create-statistics-recorder.js';
import type { ScriptPool } from '../scripts/create-script-pool.js';

/**
 * One instance per environment. State that must survive a revision swap (counters, caches, KVMs) lives here,
 * never in a compiled policy: a swap compiles new policies but keeps the environment's services.
 */
export interface PolicyServices {
  readonly organization: string;
  readonly environment: string;
  readonly logger: Logger;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** HTTP callouts (ServiceCallout, JavaScript httpClient). */
  readonly callouts: CalloutClient;
  /** The environment's TargetServers, kept current by the management API (ServiceCallout LoadBalancer reads it at compile). */
  readonly targetServers: ReadonlyMap<string, TargetServerDefinition>;
  /** Gateway-wide MessageLogging senders (syslog over UDP/TCP/TLS, files in the message log directory). */
  readonly messageLogging: MessageLogSenders;
  /** StatisticsCollector: counts statistics in `baton_statistics_collected_total` for this environment. */
  readonly statistics: StatisticsRecorder;
  /** The environment's cache resources (ResponseCache, LookupCache, PopulateCache, InvalidateCache): shared by every revision. */
  readonly caches: EnvironmentCaches;
  /** Key value maps of every scope (KeyValueMapOperations), gateway-wide: reads from memory, writes durable. */
  readonly kvms: KvmService;
  /** Quota and SpikeArrest counters of the environment, keyed (API proxy, policy, identifier): a swap keeps them. */
  readonly rateLimits: RateLimitCounters;
  /** Status of Quota and SpikeArrest violations: 500, or 429 when the organization property features.isHTTPStatusTooManyRequestEnabled is "true". */
  readonly rateLimitStatus: 429 | 500;
  /** The shared flows deployed in the environment (FlowCallout): looked up per call, so a redeploy is live. */
  readonly sharedFlows: SharedFlowAccess;
  /** API keys of the organization's developer apps (VerifyAPIKey): an in-memory index the management API keeps current. */
  readonly apiKeys: ApiKeyVerifier;
  /** Gateway-wide pool of sandboxed script hosts (JavaScript policy): compiled scripts, time and memory limits. */
  readonly scripts: ScriptPool;
  /** Whether a TCP peer is one of dataplane.trustedProxies, whose True-Client-IP / X-Forwarded-For AccessControl believes. */
  readonly isTrustedProxy: (address: string) => boolean;
}
