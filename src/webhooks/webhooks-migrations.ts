/** Migrations 0500–0599 (docs/architecture.md): text, bigint and integer only, so both engines run them. */
import type { Kysely, Migration } from 'kysely';

export const webhooksMigrations: Record<string, Migration> = {
  '0500_webhook_deliveries': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addUniqueConstraint('webhook_deliveries_event_endpoint', ['event_id', 'endpoint'])
        .execute();
      // The claim query of each endpoint's lane: its pending rows that are due, oldest first.
      await db.schema
        .createIndex('webhook_deliveries_endpoint_status_next')
        .on('webhook_deliveries')
        .columns(['endpoint', 'status', 'next_attempt_at'])
        .execute();
      // The deliveries API lists by status, newest first; the sweep deletes old finished rows.
      await db.schema.createIndex('webhook_deliveries_status_id').on('webhook_deliveries').columns(['status', 'id']).execute();
    },
  },
};
