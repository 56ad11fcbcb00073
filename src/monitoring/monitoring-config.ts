/** The monitoring feature's config slice: `metrics`. */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';

export const monitoringConfig = {
  metrics: z
    .object({ requireKey: z.boolean().default(false).describe('GET /metrics needs an API key or admin token') })
    .strict()
    .prefault({}),
};

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof monitoringConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof monitoringConfig> {}
}
