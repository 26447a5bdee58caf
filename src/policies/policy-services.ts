// What compiled policies may use beyond their own config: per-environment services built by createPolicyRuntime.
import type { Logger } from 'pino';
import type { CalloutClient } from '../callouts/create-callout-client.js';

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
}
