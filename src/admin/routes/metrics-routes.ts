// GET /metrics: the gateway's Prometheus metrics (no credentials, like /healthz; bind the admin port privately).
import type { AdminRoutes } from '../admin-routes.js';

export const metricsRoutes: AdminRoutes = (app, deps) => {
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.render();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
};
