/**
 * The `delivery` config slice: back-pressure for publishers that outrun the sockets
 * (issue 10, backpressure.ts), and ordered delivery across nodes (issue 11,
 * channel-sequencer.ts).
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
    gapHoldMs: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe(
        'On a channel with history, how long a node holds back publications that arrived ahead of a missing offset before it reads the missing ones from the store',
      ),
    positionCheckIntervalMs: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe(
        "In a cluster, how often each node compares its channels' delivered offsets with the store and fills what was lost on the way (a Redis restart, a killed node); 0 turns it off",
      ),
  })
  .strict()
  .prefault({});

export type DeliveryConfig = z.output<typeof deliveryConfigSchema>;
