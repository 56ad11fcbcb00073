/**
 * The live dashboard (issue 13, docs/dashboard.md): the page at /dashboard, the admin
 * routes it polls (`/api/admin/*`, an API key or an admin token), its three audited
 * actions, and the named status providers of its status panel.
 *
 * Live updates are polled: the page asks GET /api/admin/overview once a second
 * (while the tab is visible). Polling takes the same Authorization header as every
 * admin route, needs no sticky sessions behind a load balancer (a second Socket.IO
 * namespace or an SSE stream would), and costs each node at most one overview a
 * second however many dashboards are open (overview.ts).
 */
import { defineFeature } from '../core/feature.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerDashboardPage } from './dashboard-page.js';
import { createNodeQuery } from './node-query.js';
import { createOverviewSource } from './overview.js';
import { type StatusProvider, StatusRegistry } from './status.js';

declare module '../core/context.js' {
  interface ProvidedApi {
    /**
     * Adds (or replaces) a named row of the dashboard's status panel, next to the
     * store, Redis and Kafka rows. The provider runs once per overview (about once a
     * second while a dashboard is open) and must be cheap; throwing shows `down`.
     * @example sb.addStatusProvider('webhooks', async () => ({ state: 'up', details: { pending: 3 } }))
     */
    addStatusProvider(name: string, provider: StatusProvider): void;
  }
}

export const dashboardFeature = defineFeature({
  name: 'dashboard',
  setup(ctx) {
    const ask = createNodeQuery(ctx);
    const status = new StatusRegistry(ctx);
    const overview = createOverviewSource({ ctx, ask, status });
    return {
      api: { addStatusProvider: (name: string, provider: StatusProvider) => status.add(name, provider) },
      routes(http) {
        registerAdminRoutes(http, ctx, { ask, overview: () => overview.get() });
        registerDashboardPage(http, ctx);
      },
    };
  },
});
