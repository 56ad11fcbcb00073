/** The idempotency feature's public surface. */
export { idempotencyFeature } from './idempotency-feature.js';
export type { Once } from './idempotent-run.js';
