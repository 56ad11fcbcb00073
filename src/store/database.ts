/**
 * The database schema as Kysely sees it: each feature declares its tables in its own
 * folder and they are composed here.
 */
import type { SessionsTables } from '../auth/sessions/sessions-table.js';
import type { ChannelsTables } from '../channels/channels-tables.js';
import type { ChatTables } from '../chat/chat-tables.js';
import type { NotificationsTables } from '../notifications/notifications-table.js';

export interface Database extends SessionsTables, ChannelsTables, NotificationsTables, ChatTables {}
