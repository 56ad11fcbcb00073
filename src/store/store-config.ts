/**
 * The `database` config slice: where the store is, how many PostgreSQL connections
 * it may open, and how writes are grouped into transactions (issue 10, group commit).
 */
import { z } from 'zod';

const BATCH_DEFAULTS = { maxItems: 500, maxDelayMs: 0, maxQueued: 20_000 };
const DATABASE_DEFAULTS = { url: 'sqlite:./data/switchboard.db', poolSize: 10, batch: BATCH_DEFAULTS };

export const batchConfigSchema = z
  .object({
    maxItems: z
      .number()
      .int()
      .positive()
      .default(BATCH_DEFAULTS.maxItems)
      .describe('Rows written in one group-commit transaction at most (message sends, receipts, notifications, publications, sessions)'),
    maxDelayMs: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(BATCH_DEFAULTS.maxDelayMs)
      .describe('How long a write waits for others to share its transaction; 0 waits one event-loop turn'),
    maxQueued: z
      .number()
      .int()
      .positive()
      .default(BATCH_DEFAULTS.maxQueued)
      .describe('Writes of one kind waiting for the store at most; more are refused with RATE_LIMITED'),
  })
  .strict()
  .default(BATCH_DEFAULTS);

export const databaseConfigSchema = z
  .object({
    url: z.string().min(1).default(DATABASE_DEFAULTS.url).describe('`sqlite:PATH`, `sqlite::memory:` or `postgres://…`'),
    poolSize: z
      .number()
      .int()
      .positive()
      .max(1000)
      .default(DATABASE_DEFAULTS.poolSize)
      .describe(
        'PostgreSQL connections in the pool: each write batch holds one for its transaction (at most 8 at once), reads use the others',
      ),
    batch: batchConfigSchema.describe('Group commit: how concurrent writes share transactions'),
  })
  .strict()
  .default(DATABASE_DEFAULTS);

export type DatabaseConfig = z.output<typeof databaseConfigSchema>;
