// Builds the gateway-wide state behind policies (callout client, counters, caches, KVMs, API keys, shared flows) and one PolicyServices per environment.
import type { Logger } from 'pino';
import type { BatonConfig } from './config.js';
import { createCalloutClient, type CalloutClient } from './callouts/create-callout-client.js';
import type { PolicyServices } from './policies/policy-services.js';
import type { Store } from './store/store.js';

// Apigee's default connect timeout for callouts (ServiceCallout's HTTPTargetConnection default).
const CALLOUT_CONNECT_TIMEOUT_MS = 3_000;

export interface PolicyRuntimeDeps {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface PolicyRuntime {
  readonly callouts: CalloutClient;
  /** The services of one environment; the same object for every call with the same names. */
  forEnvironment(organization: string, environment: string): PolicyServices;
  close(): Promise<void>;
}

export function createPolicyRuntime(deps: PolicyRuntimeDeps): PolicyRuntime {
  const { config, logger, now } = deps;
  const callouts = createCalloutClient({ maxResponseBytes: config.limits.maxBufferedBodyBytes, connectTimeoutMs: CALLOUT_CONNECT_TIMEOUT_MS });
  const byEnvironment = new Map<string, PolicyServices>();
  return {
    callouts,
    forEnvironment(organization, environment) {
      const key = `${organization}/${environment}`;
      let services = byEnvironment.get(key);
      if (!services) {
        services = {
          organization,
          environment,
          logger: logger.child({ org: organization, env: environment }),
          now,
          callouts,
        };
        byEnvironment.set(key, services);
      }
      return services;
    },
    async close() {
      await callouts.close();
    },
  };
}
