/** zod schemas of the channel events and routes (payload shapes from src/protocol/events.ts). */
import { z } from 'zod';
import { channelNameSchema } from './channel-name.js';
import { eventNameSchema, isServerEventName } from './event-names.js';

const channelToken = z.string().min(1).max(16_384);

/** `subscribe`: `"trip:1"` or `{ channel, since?, token? }`. */
export const subscribeSchema = z
  .union([
    channelNameSchema,
    z
      .object({
        channel: channelNameSchema,
        since: z.number().int().min(0).optional(),
        token: channelToken.optional(),
      })
      .strict(),
  ])
  .transform((value) => (typeof value === 'string' ? { channel: value } : value));

/** Entries per `subscribe:batch` at most. */
export const MAX_SUBSCRIBE_BATCH = 100;

/** `subscribe:batch`: `{ subscriptions: [subscribe payload, …] }`, 1 to 100 entries. */
export const subscribeBatchSchema = z.object({ subscriptions: z.array(subscribeSchema).min(1).max(MAX_SUBSCRIBE_BATCH) }).strict();

/** `unsubscribe`: `"trip:1"` or `{ channel }`. */
export const unsubscribeSchema = z
  .union([channelNameSchema, z.object({ channel: channelNameSchema }).strict()])
  .transform((value) => (typeof value === 'string' ? value : value.channel));

/** POST /api/publish and the programmatic `publish()`. */
export const publishBodySchema = z
  .object({
    channel: channelNameSchema,
    event: eventNameSchema,
    data: z.unknown().optional(),
  })
  .strict()
  // The example of the API reference (/docs).
  .meta({ examples: [{ channel: 'news:1', event: 'headline', data: { title: 'Hello' } }] });

/** Socket `publish`: as the server's, minus the names of server events (no spoofing). */
export const clientPublishSchema = publishBodySchema.refine((body) => !isServerEventName(body.event), {
  path: ['event'],
  message: 'this event name belongs to the server',
});

export const memberParamsSchema = z.object({
  channel: channelNameSchema,
  userId: z.string().min(1).max(256),
});

export const historyParamsSchema = z.object({ channel: channelNameSchema });

export const historyQuerySchema = z
  .object({
    since: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    /** A channel token (policy "token"); `token` itself carries the user's credentials. */
    channelToken: channelToken.optional(),
  })
  // Not strict: the user's own `token` may come as a query parameter too (token-sources.ts).
  .loose();

export const userParamsSchema = z.object({ id: z.string().min(1).max(256) });
