/** The idempotency feature's public surface. */
export { idempotencyFeature } from './idempotency-feature.js';
export { idempotencyHeadersSchema } from './idempotency-schemas.js';
export type { Once } from './idempotent-run.js';
