// Every route module of the management API, in registration order.
import type { AdminRoutes } from './admin-routes.js';
import { accessRoutes } from './routes/access-routes.js';
import { apiRoutes } from './routes/api-routes.js';
import { deploymentRoutes } from './routes/deployment-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { organizationRoutes } from './routes/organization-routes.js';
import { promotionRoutes } from './routes/promotion-routes.js';

export const allAdminRoutes: readonly AdminRoutes[] = [organizationRoutes, apiRoutes, deploymentRoutes, historyRoutes, accessRoutes, metricsRoutes, promotionRoutes];
