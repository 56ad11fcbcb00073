/** Migrations 0100–0199 belong to channels (docs/architecture.md). */
import type { Kysely, Migration } from 'kysely';

export const channelsMigrations: Record<string, Migration> = {
  '0100_channel_members': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('channel_members')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_members_pk', ['channel', 'user_id'])
        .execute();
    },
  },
  '0101_channel_history': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('channel_offsets')
        .addColumn('channel', 'text', (c) => c.primaryKey())
        .addColumn('last_offset', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('channel_publications')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('pub_offset', 'bigint', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_publications_pk', ['channel', 'pub_offset'])
        .execute();
      // The TTL sweep deletes by namespace and age.
      await db.schema
        .createIndex('channel_publications_ns_created')
        .on('channel_publications')
        .columns(['namespace', 'created_at'])
        .execute();
    },
  },
};
