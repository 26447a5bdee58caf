// PolicyServices for unit tests: real components with in-memory state, a silent logger and an injectable clock.
import { pino } from 'pino';
import { createCalloutClient } from '../../src/callouts/create-callout-client.js';
import type { PolicyServices } from '../../src/policies/policy-services.js';

/** Each call builds fresh state; pass `overrides` to replace a component (or the clock). Close the callout client in tests that use it. */
export function createTestPolicyServices(overrides: Partial<PolicyServices> = {}): PolicyServices {
  return {
    organization: 'org',
    environment: 'test',
    logger: pino({ level: 'silent' }),
    now: Date.now,
    callouts: createCalloutClient({ maxResponseBytes: 1024 * 1024, connectTimeoutMs: 2_000 }),
    ...overrides,
  };
}
