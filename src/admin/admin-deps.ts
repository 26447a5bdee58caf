// Everything the management API's handlers work over, passed in by gateway.ts (handlers stay thin, STYLE §1).
import type { Logger } from 'pino';
import type { BatonConfig } from '../config.js';
import type { AccessService } from '../access/access-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { PromotionService } from '../promotions/promotion-service.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { Store } from '../store/store.js';

export interface AdminDeps {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly deployments: DeploymentService;
  readonly promotions: PromotionService;
  /** Runtimes by `${organization}/${environment}`. */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly access: AccessService;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly now: () => number;
  readonly metrics: Metrics;
  /** The port a virtual host's listener is bound to (undefined before listening or when unknown). */
  readonly boundPort: (organization: string, environment: string, virtualHost: string) => number | undefined;
}
