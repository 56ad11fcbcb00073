import { z } from 'zod';

export const authRefreshSchema = z.object({ token: z.string().min(1).max(16_384) }).strict();

export const createSessionBodySchema = z
  .object({ metadata: z.record(z.string(), z.unknown()).optional() })
  .strict()
  .optional();

/** DELETE /api/sessions/{id}. */
export const sessionParamsSchema = z.object({ id: z.string().min(1).max(256) });
