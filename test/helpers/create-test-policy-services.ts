// PolicyServices for unit tests: real components with in-memory state, a silent logger and an injectable clock.
import { pino } from 'pino';
import { randomBytes } from 'node:crypto';
import { createCalloutClient } from '../../src/callouts/create-callout-client.js';
import { createEnvironmentCaches } from '../../src/caches/create-environment-caches.js';
import { createKvmCipher } from '../../src/kvms/create-kvm-cipher.js';
import { createKvmService } from '../../src/kvms/create-kvm-service.js';
import { createApiKeyIndex } from '../../src/developers/create-api-key-index.js';
import { createKeyVault } from '../../src/developers/create-key-vault.js';
import type { PolicyServices } from '../../src/policies/policy-services.js';
import { createMemoryStore } from '../../src/store/create-memory-store.js';
import { createRateLimitCounters } from '../../src/rate-limits/create-rate-limit-counters.js';
import { createSharedFlowRegistry } from '../../src/sharedflows/create-shared-flow-registry.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageLogSenders } from '../../src/message-logging/create-message-log-senders.js';
import { createStatisticsRecorder } from '../../src/policies/statistics-collector/create-statistics-recorder.js';
import { createScriptPool } from '../../src/scripts/create-script-pool.js';

/** Each call builds fresh state; pass `overrides` to replace a component (or the clock). Close the callout client in tests that use it. */
export function createTestPolicyServices(overrides: Partial<PolicyServices> = {}): PolicyServices {
  return {
    organization: 'org',
    environment: 'test',
    logger: pino({ level: 'silent' }),
    now: Date.now,
    callouts: createCalloutClient({ maxResponseBytes: 1024 * 1024, connectTimeoutMs: 2_000 }),
    targetServers: new Map(),
    // Destinations open only when a policy acquires one; tests that write files pass their own log directory.
    messageLogging: createMessageLogSenders({ logDir: join(tmpdir(), 'baton-test-message-logs'), logger: pino({ level: 'silent' }) }),
    statistics: createStatisticsRecorder('test', { inc: () => {} }),
    // Built on the overriding clock, so expiry tests control time.
    caches: createEnvironmentCaches([], overrides.now ?? Date.now),
    kvms: createKvmService({ store: createMemoryStore(), cipher: createKvmCipher(randomBytes(32)), now: overrides.now ?? Date.now }),
    rateLimits: createRateLimitCounters(),
    rateLimitStatus: 500,
    sharedFlows: createSharedFlowRegistry('org', 'test'),
    apiKeys: createApiKeyIndex(createMemoryStore(), createKeyVault(randomBytes(32))),
    // Host processes start only when a JavaScript policy is compiled; tests that compile one close the pool.
    scripts: createScriptPool({ logger: pino({ level: 'silent' }), hosts: 2, maxHeapMb: 64 }),
    // No trusted proxies (the default of dataplane.trustedProxies).
    isTrustedProxy: () => false,
    ...overrides,
  };
}
