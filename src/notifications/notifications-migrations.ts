/** Migrations 0200–0299 (docs/architecture.md): text, bigint and integer only, so both engines run them. */
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';

/** `id` and the columns both tables share (NotificationColumns in notifications-table.ts). */
function withNotificationColumns<T extends string>(table: CreateTableBuilder<T>): CreateTableBuilder<T> {
  return table
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'text');
}

export const notificationsMigrations: Record<string, Migration> = {
  '0200_notifications': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
    async up(db: Kysely<any>) {
      await withNotificationColumns(db.schema.createTable('notifications'))
        .addColumn('read', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('read_at', 'bigint')
        .execute();
      // Listing newest first (and the per-user cap) walks (user_id, id) backwards.
      await db.schema.createIndex('notifications_user_id_id').on('notifications').columns(['user_id', 'id']).execute();
      // Unread counts and the `unread=true` listing.
      await db.schema.createIndex('notifications_user_id_read_id').on('notifications').columns(['user_id', 'read', 'id']).execute();
      // The age sweep deletes the oldest rows across all users.
      await db.schema.createIndex('notifications_created_at').on('notifications').column('created_at').execute();
    },
  },
  '0201_scheduled_notifications': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
    async up(db: Kysely<any>) {
      await withNotificationColumns(db.schema.createTable('scheduled_notifications'))
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'bigint')
        .addColumn('fired_at', 'bigint')
        .execute();
      // "fired_at is null and due_at <= now" is the claim query; fired rows are purged by fired_at.
      await db.schema
        .createIndex('scheduled_notifications_fired_at_due_at')
        .on('scheduled_notifications')
        .columns(['fired_at', 'due_at'])
        .execute();
    },
  },
};
