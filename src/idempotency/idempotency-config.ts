/** The idempotency feature's config slice: `idempotency` (issue 11). */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';

export const idempotencyConfig = {
  idempotency: z
    .object({
      ttlSeconds: z
        .number()
        .int()
        .positive()
        .default(86_400)
        .meta({ env: 'SWITCHBOARD_IDEMPOTENCY_TTL_SECONDS' })
        .describe('How long an Idempotency-Key is remembered: a repeat within this answers the first result and writes nothing'),
      pendingTimeoutMs: z
        .number()
        .int()
        .positive()
        .default(30_000)
        .describe(
          'A key whose first request neither finished nor stored its effect (its node died) may be taken over by a repeat after this long; until then a repeat waits (Kafka) or is answered CONFLICT (HTTP)',
        ),
      sweepIntervalMs: z.number().int().positive().default(600_000).describe('How often expired keys are deleted'),
    })
    .strict()
    .prefault({}),
};

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof idempotencyConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof idempotencyConfig> {}
}
