/** Chat schema (migrations 0300–0399): text, bigint and integer only, for SQLite and PostgreSQL alike. */
import type { Kysely, Migration } from 'kysely';

export const chatMigrations: Record<string, Migration> = {
  '0300_chat': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are schema-agnostic
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('direct_key', 'text', (c) => c.unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_message_at', 'bigint')
        .addColumn('last_message_id', 'text')
        .execute();

      await db.schema
        .createTable('conversation_members')
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('last_read_message_id', 'text')
        .addColumn('read_at', 'bigint')
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_members_pk', ['conversation_id', 'user_id'])
        .execute();
      // "My conversations", unread totals and presence contacts start from the user.
      await db.schema.createIndex('conversation_members_user').on('conversation_members').columns(['user_id', 'conversation_id']).execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('sender_id', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('client_message_id', 'text')
        .addColumn('reply_to', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('edited_at', 'bigint')
        .addColumn('deleted_at', 'bigint')
        .addUniqueConstraint('messages_sender_client_id', ['sender_id', 'client_message_id'])
        .execute();
      // History pages and unread counts are range scans on (conversation_id, id); with
      // sender_id and deleted_at in the index, counting unread reads the index alone
      // (SQLite: covering index; PostgreSQL: index-only scan) instead of the rows.
      await db.schema
        .createIndex('messages_conversation_id')
        .on('messages')
        .columns(['conversation_id', 'id', 'sender_id', 'deleted_at'])
        .execute();

      await db.schema
        .createTable('message_deliveries')
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_deliveries_pk', ['message_id', 'user_id'])
        .execute();
    },
  },
};
