/** The notifications feature's config slice: `notifications` and `testEndpoints`. */
import { z } from 'zod';
import type { SliceInput, SliceOutput } from '../config/schema.js';

export const notificationsConfig = {
  notifications: z
    .object({
      maxPerUser: z.number().int().positive().default(1000).describe('Inbox cap per user; oldest are dropped'),
      maxAgeDays: z.number().int().positive().default(90).describe('Notifications older than this are dropped'),
      maxRecipients: z.number().int().positive().default(10_000).describe('Largest userIds batch for one notify'),
      schedulerIntervalMs: z.number().int().positive().default(1000).describe('How often due scheduled notifications are claimed'),
      retentionIntervalMs: z
        .number()
        .int()
        .positive()
        .default(60_000)
        .describe('How often the background sweep enforces maxPerUser and maxAgeDays'),
    })
    .strict()
    .prefault({}),
  testEndpoints: z
    .boolean()
    .default(false)
    .meta({ env: 'SWITCHBOARD_TEST_ENDPOINTS' })
    .describe('Enable POST /api/test/* (sample notifications to yourself); off unless enabled'),
};

declare module '../config/schema.js' {
  interface FeatureConfig extends SliceOutput<typeof notificationsConfig> {}
  interface FeatureConfigInput extends SliceInput<typeof notificationsConfig> {}
}
