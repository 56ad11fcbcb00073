/**
 * The `delivery` config slice: back-pressure for publishers that outrun the sockets
 * (issue 10). See backpressure.ts.
 */
import { z } from 'zod';

export const deliveryConfigSchema = z
  .object({
    maxQueuedPerSocket: z
      .number()
      .int()
      .min(0)
      .default(64)
      .describe(
        "A publish waits while its channel's sockets on this node hold more than this many packets not yet written, on average; 0 turns back-pressure off",
      ),
    maxWaitMs: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe('Longest such wait; then the publish is refused with RATE_LIMITED (HTTP 429) and `retryAfterMs`'),
  })
  .strict()
  .prefault({});

export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
