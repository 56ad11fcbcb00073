/**
 * The `delivery` config slice: back-pressure for publishers that outrun the sockets
 * (issue 10). See backpressure.ts.
 */
import { z } from 'zod';

const DELIVERY_DEFAULTS = { maxQueuedPerSocket: 64, maxWaitMs: 2000 };

export const deliveryConfigSchema = z
  .object({
    maxQueuedPerSocket: z
      .number()
      .int()
      .min(0)
      .default(DELIVERY_DEFAULTS.maxQueuedPerSocket)
      .describe(
        "A publish waits while its channel's sockets on this node hold more than this many packets not yet written, on average; 0 turns back-pressure off",
      ),
    maxWaitMs: z
      .number()
      .int()
      .min(0)
      .default(DELIVERY_DEFAULTS.maxWaitMs)
      .describe('Longest such wait; then the publish is refused with RATE_LIMITED (HTTP 429) and `retryAfterMs`'),
  })
  .strict()
  .default(DELIVERY_DEFAULTS);

export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
