/** Rows to the contract's shapes (PROTOCOL.md "Shapes"). */
import type { Selectable } from 'kysely';
import { toIso } from '../core/ids.js';
import type { Conversation, Message } from '../protocol/shapes.js';
import type { ConversationsTable, MessagesTable } from './chat-tables.js';

export type MessageRow = Selectable<MessagesTable>;
export type ConversationRow = Selectable<ConversationsTable>;

/** A stored message as sent on the wire; a deleted one keeps its place with `deleted: true` and no content. */
export function toMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id,
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    content: row.deleted_at === null ? row.content : '',
    type: row.type,
    createdAt: toIso(row.created_at),
  };
  if (row.client_message_id !== null) message.clientMessageId = row.client_message_id;
  if (row.reply_to !== null) message.replyTo = row.reply_to;
  if (row.edited_at !== null) message.editedAt = toIso(row.edited_at);
  if (row.deleted_at !== null) message.deleted = true;
  return message;
}

export function toConversation(row: ConversationRow, memberIds: string[], lastMessage?: MessageRow): Conversation {
  const conversation: Conversation = { id: row.id, kind: row.kind, memberIds, createdAt: toIso(row.created_at) };
  if (row.title !== null) conversation.title = row.title;
  if (lastMessage) conversation.lastMessage = toMessage(lastMessage);
  return conversation;
}
