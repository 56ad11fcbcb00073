/**
 * Every migration, from every feature, in one ordered list. Names sort by their
 * numeric prefix (Kysely applies them in name order); a feature takes the next free
 * number when it adds one. Migrations use only schema-builder types that mean the
 * same on SQLite and PostgreSQL (text, bigint, integer).
 */
import type { Migration } from 'kysely';
import { sessionsMigrations } from '../auth/sessions/sessions-migrations.js';
import { channelsMigrations } from '../channels/channels-migrations.js';
import { chatMigrations } from '../chat/chat-migrations.js';
import { notificationsMigrations } from '../notifications/notifications-migrations.js';

export const migrations: Record<string, Migration> = {
  ...sessionsMigrations,
  ...channelsMigrations,
  ...notificationsMigrations,
  ...chatMigrations,
};
