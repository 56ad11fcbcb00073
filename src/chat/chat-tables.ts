/**
 * Chat tables as Kysely sees them (composed into src/store/database.ts). Times are
 * epoch milliseconds in `bigint` columns; ids are ULIDs, so `id` order is send order
 * and doubles as the history cursor.
 */

/** A direct (two users) or group conversation. */
export interface ConversationsTable {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  /**
   * The sorted pair of a direct conversation's users, UNIQUE: the store, not the
   * handler, guarantees one direct conversation per pair under concurrent creation.
   * Null for groups.
   */
  direct_key: string | null;
  created_at: number;
  last_message_at: number | null;
  last_message_id: string | null;
}

export type MemberRole = 'owner' | 'admin' | 'member';

export interface ConversationMembersTable {
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  /** Everything up to and including this message id is read. */
  last_read_message_id: string | null;
  read_at: number | null;
  joined_at: number;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  sender_id: string;
  /** Emptied when the message is deleted. */
  content: string;
  type: string;
  /** UNIQUE with sender_id: a retried send stores once. */
  client_message_id: string | null;
  reply_to: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

/** One row per (message, recipient user): the first device to confirm wins. */
export interface MessageDeliveriesTable {
  message_id: string;
  user_id: string;
  delivered_at: number;
}

export interface ChatTables {
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  message_deliveries: MessageDeliveriesTable;
}

declare module '../store/database.js' {
  interface Database extends ChatTables {}
}
