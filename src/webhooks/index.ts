/** Outbound webhooks (docs/webhooks.md). */
export type * from '../protocol/webhook-events.js';
export { webhooksFeature } from './webhooks-feature.js';
