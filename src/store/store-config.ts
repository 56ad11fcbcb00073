/**
 * The `database` config slice (a core key): where the store is, how many PostgreSQL
 * connections it may open, and how writes are grouped into transactions (group commit).
 */
import { z } from 'zod';

export const batchConfigSchema = z
  .object({
    maxItems: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe('Rows written in one group-commit transaction at most (message sends, receipts, notifications, publications, sessions)'),
    maxDelayMs: z
      .number()
      .int()
      .min(0)
      .max(50)
      .default(0)
      .describe('How long a write waits for others to share its transaction; 0 waits one event-loop turn'),
    maxQueued: z
      .number()
      .int()
      .positive()
      .default(20_000)
      .describe('Writes of one kind waiting for the store at most; more are refused with RATE_LIMITED'),
  })
  .strict()
  .prefault({})
  .describe('Group commit: how concurrent writes share transactions');

export const databaseConfigSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .refine((url) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(url), {
        message: 'use sqlite:PATH, sqlite::memory: or postgres://user@host/db',
      })
      .default('sqlite:./data/switchboard.db')
      .meta({ env: 'SWITCHBOARD_DATABASE_URL' })
      .describe('`sqlite:PATH`, `sqlite::memory:` or `postgres://…`'),
    poolSize: z
      .number()
      .int()
      .positive()
      .max(1000)
      .default(10)
      .meta({ env: 'SWITCHBOARD_DATABASE_POOL_SIZE' })
      .describe(
        'PostgreSQL connections in the pool: each write batch holds one for its transaction (at most 8 at once), reads use the others',
      ),
    batch: batchConfigSchema,
  })
  .strict()
  .prefault({});

export type DatabaseConfig = z.output<typeof databaseConfigSchema>;
