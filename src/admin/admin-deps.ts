// Everything the management API's handlers work over, passed in by gateway.ts (handlers stay thin, STYLE §1).
import type { Logger } from 'pino';
import type { BatonConfig } from '../config.js';
import type { AccessService } from '../access/access-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { DeveloperService } from '../developers/developer-service.js';
import type { EnvironmentRuntime } from '../deployments/environment-runtime.js';
import type { ProxyGroupService } from '../groups/proxy-group-service.js';
import type { KvmService } from '../kvms/kvm-service.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { PromotionService } from '../promotions/promotion-service.js';
import type { RevisionService } from '../revisions/revision-service.js';
import type { SharedFlowService } from '../sharedflows/shared-flow-service.js';
import type { Store } from '../store/store.js';
import type { TargetServerService } from '../target-servers/target-server-service.js';

export interface AdminDeps {
  readonly config: BatonConfig;
  readonly store: Store;
  readonly revisions: RevisionService;
  readonly deployments: DeploymentService;
  /** Shared flows, their deployments and the environments' flow hooks. */
  readonly sharedFlows: SharedFlowService;
  readonly promotions: PromotionService;
  /** API proxy groups and their deployments. */
  readonly groups: ProxyGroupService;
  /** Runtimes by `${organization}/${environment}`. */
  readonly runtimes: ReadonlyMap<string, EnvironmentRuntime>;
  readonly access: AccessService;
  /** Developers, apps, API keys and API products. */
  readonly developers: DeveloperService;
  /** Key value maps of organizations, environments and API proxies (shared with KeyValueMapOperations). */
  readonly kvms: KvmService;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly now: () => number;
  readonly metrics: Metrics;
  /** The environments' TargetServers (configured ones read-only, API-managed ones stored). */
  readonly targetServers: TargetServerService;
  /** The port a virtual host's listener is bound to (undefined before listening or when unknown). */
  readonly boundPort: (organization: string, environment: string, virtualHost: string) => number | undefined;
}
