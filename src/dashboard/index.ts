/** The dashboard feature's public surface. */
export { dashboardFeature } from './dashboard-feature.js';
export type * from './shapes.js';
export type { StatusProvider } from './status.js';
