// Every route module of the management API, in registration order.
import type { AdminRoutes } from './admin-routes.js';
import { accessRoutes } from './routes/access-routes.js';
import { apiProductRoutes } from './routes/api-product-routes.js';
import { apiRoutes } from './routes/api-routes.js';
import { appRoutes } from './routes/app-routes.js';
import { apiOpsRoutes } from './routes/apiops-routes.js';
import { deploymentRoutes } from './routes/deployment-routes.js';
import { developerRoutes } from './routes/developer-routes.js';
import { flowHookRoutes } from './routes/flow-hook-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { kvmRoutes } from './routes/kvm-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { organizationRoutes } from './routes/organization-routes.js';
import { promotionRoutes } from './routes/promotion-routes.js';
import { proxyGroupRoutes } from './routes/proxy-group-routes.js';
import { sharedFlowRoutes } from './routes/shared-flow-routes.js';
import { targetServerRoutes } from './routes/target-server-routes.js';

export const allAdminRoutes: readonly AdminRoutes[] = [organizationRoutes, apiRoutes, deploymentRoutes, historyRoutes, accessRoutes, metricsRoutes, promotionRoutes, proxyGroupRoutes, apiOpsRoutes, targetServerRoutes, sharedFlowRoutes, flowHookRoutes, developerRoutes, appRoutes, apiProductRoutes, kvmRoutes];
