/** Store queries for messages and delivery receipts. */
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { Message } from '../protocol/shapes.js';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { MessageRow } from './chat-shapes.js';

/** A message to store: the contract's fields the sender chose (id and times are the store's). */
export type NewMessage = Pick<Message, 'conversationId' | 'senderId' | 'content' | 'type' | 'clientMessageId' | 'replyTo'>;

export class MessagesRepo {
  constructor(private readonly store: Store) {}

  private get db(): Kysely<Database> {
    return this.store.db;
  }

  /**
   * Stores a message and moves the conversation's last-message pointer, in one
   * transaction. With a `clientMessageId` already used by this sender, nothing is
   * written and the original row comes back (`created: false`): UNIQUE(sender_id,
   * client_message_id) decides, so two concurrent retries cannot both store.
   */
  async insert(input: NewMessage): Promise<{ row: MessageRow; created: boolean }> {
    const now = Date.now();
    const row: MessageRow = {
      id: newId(),
      conversation_id: input.conversationId,
      sender_id: input.senderId,
      content: input.content,
      type: input.type,
      client_message_id: input.clientMessageId ?? null,
      reply_to: input.replyTo ?? null,
      created_at: now,
      edited_at: null,
      deleted_at: null,
    };
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('messages')
        .values(row)
        .onConflict((oc) => oc.columns(['sender_id', 'client_message_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      await trx
        .updateTable('conversations')
        .set({ last_message_id: row.id, last_message_at: now })
        .where('id', '=', row.conversation_id)
        // never move the pointer back if a later message committed first
        .where((eb) => eb.or([eb('last_message_id', 'is', null), eb('last_message_id', '<', row.id)]))
        .execute();
      return true;
    });
    if (created) return { row, created };
    const original = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('sender_id', '=', input.senderId)
      .where('client_message_id', '=', input.clientMessageId ?? '')
      .executeTakeFirstOrThrow();
    return { row: original, created: false };
  }

  find(id: string): Promise<MessageRow | undefined> {
    return this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * A page of history, newest first. The cursor is a message id: ids only grow, so
   * messages arriving while a client pages back never shift or repeat a page.
   */
  async history(
    conversationId: string,
    options: { before?: string; limit: number },
  ): Promise<{ rows: MessageRow[]; nextCursor: string | null }> {
    let query = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    if (options.before) query = query.where('id', '<', options.before);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const page = rows.slice(0, options.limit);
    return { rows: page, nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null };
  }

  async edit(id: string, content: string): Promise<MessageRow | undefined> {
    await this.db
      .updateTable('messages')
      .set({ content, edited_at: Date.now() })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .execute();
    return this.find(id);
  }

  /** Soft delete: the row keeps its place in history, its content is erased. */
  async softDelete(id: string): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ content: '', deleted_at: Date.now() })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .execute();
  }

  /** Records the first delivery to a user; false when one of their devices already confirmed. */
  async recordDelivery(messageId: string, userId: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('message_deliveries')
      .values({ message_id: messageId, user_id: userId, delivered_at: Date.now() })
      .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
      .returning('message_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
