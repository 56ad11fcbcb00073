/** The header the idempotent routes take, for their OpenAPI schemas (src/http/api-docs.ts). */
import { z } from 'zod';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .max(MAX_IDEMPOTENCY_KEY_LENGTH)
    .optional()
    .describe('Any unique string per logical request: a repeat within 24 h answers the first result and writes nothing'),
});
