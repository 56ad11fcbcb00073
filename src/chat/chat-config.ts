/** The chat feature's config slice: `chat` and `typing`. */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';

export const chatConfig = {
  chat: z
    .object({
      maxContentLength: z.number().int().positive().default(4000).describe('Longest message content, in characters'),
      messageTypes: z.array(z.string().min(1)).default(['text', 'image', 'file', 'system']).describe('Allowed message types'),
      maxGroupMembers: z.number().int().positive().default(500).describe('Largest group conversation'),
    })
    .strict()
    .prefault({}),
  typing: z
    .object({ timeoutMs: z.number().int().positive().default(6000).describe('A typing:start without stop expires after this') })
    .strict()
    .prefault({}),
};

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof chatConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof chatConfig> {}
}
