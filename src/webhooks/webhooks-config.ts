/**
 * The webhooks feature's config slice: `webhooks`, the endpoints (PROTOCOL.md,
 * "Outbound webhooks"), and `webhook`, one endpoint from the environment plus the
 * delivery settings shared by every endpoint (retry schedule, claims, debounce).
 */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';
import { WEBHOOK_EVENT_TYPES } from '../protocol/webhook-events.js';

/** A Standard Webhooks secret: `whsec_` and the base64 of the HMAC key. */
const secretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/, 'a Standard Webhooks secret: whsec_ followed by base64 (16 bytes or more)');

export const webhookEndpointSchema = z
  .object({
    url: z.url().describe('Where events are POSTed'),
    secret: secretSchema.describe('Signing secret, whsec_<base64> (Standard Webhooks)'),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).optional().describe('Event types sent to this endpoint; all when left out'),
    timeoutMs: z.number().int().positive().default(5000).describe('A 2xx must arrive within this time, or the attempt failed'),
  })
  .strict();

export type WebhookEndpointConfig = z.output<typeof webhookEndpointSchema>;

const retrySchema = z
  .object({
    initialDelayMs: z.number().int().positive().default(5000).describe('Delay before the first retry; doubled after each failure'),
    maxDelayMs: z.number().int().positive().default(3_600_000).describe('Longest delay between two attempts'),
    jitter: z.number().min(0).max(1).default(0.2).describe('Share of each delay drawn at random (spreads retries of many events)'),
    windowMs: z
      .number()
      .int()
      .positive()
      .default(86_400_000)
      .describe('How long after the event it is retried; then the delivery is marked failed'),
  })
  .strict()
  .prefault({});

export const webhooksConfig = {
  webhooks: z.array(webhookEndpointSchema).default([]).describe('Outbound webhook endpoints (docs/webhooks.md)'),
  webhook: z
    .object({
      url: z.url().optional().meta({ env: 'SWITCHBOARD_WEBHOOK_URL' }).describe('One more endpoint, receiving every event type'),
      secret: secretSchema.optional().meta({ env: 'SWITCHBOARD_WEBHOOK_SECRET' }).describe('Signing secret of webhook.url'),
      retry: retrySchema.describe('Retry schedule of failed deliveries'),
      pollIntervalMs: z.number().int().positive().default(1000).describe('How often each node looks for due deliveries'),
      leaseMs: z
        .number()
        .int()
        .positive()
        .default(60_000)
        .describe('How long a node holds the deliveries it claimed; a crashed node’s claims are retried after it'),
      batchSize: z
        .number()
        .int()
        .positive()
        .default(100)
        .describe('Deliveries claimed per step; batchSize / concurrency × timeoutMs should stay below leaseMs'),
      concurrency: z.number().int().positive().default(16).describe('Requests in flight per node'),
      vacatedDebounceMs: z
        .number()
        .int()
        .min(0)
        .default(3000)
        .describe('channel.vacated is sent when a channel stayed empty this long (a resubscribe sends nothing)'),
      retentionMs: z
        .number()
        .int()
        .positive()
        .default(604_800_000)
        .describe('How long finished deliveries are kept for the deliveries API'),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.url && !value.secret) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'webhook.url needs webhook.secret' });
    })
    .prefault({})
    .describe('Delivery settings shared by every endpoint, and one endpoint from the environment'),
};

export type WebhookSettings = SliceOutput<typeof webhooksConfig>['webhook'];

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof webhooksConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof webhooksConfig> {}
}
