/**
 * Store queries for messages: reads, edits, deletes. Sends and receipts are written
 * in batches by message-writes.ts and receipt-writes.ts.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { MessageRow } from './chat-shapes.js';

export class MessagesRepo {
  constructor(private readonly store: Store) {}

  private get db(): Kysely<Database> {
    return this.store.db;
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
}
