/**
 * Store queries for conversations and their members. The same Kysely queries run on
 * SQLite and PostgreSQL; uniqueness and ordering are left to constraints and ULIDs
 * rather than to checks in the handler, so they hold with several nodes too.
 */
import { type Kysely, sql } from 'kysely';
import { newId } from '../core/ids.js';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { ConversationRow, MessageRow } from './chat-shapes.js';
import type { MemberRole } from './chat-tables.js';

/** One entry of a user's conversation list. */
export interface ConversationListEntry {
  row: ConversationRow;
  memberIds: string[];
  lastMessage?: MessageRow;
  unreadCount: number;
}

/** The key of the one direct conversation between two users, whichever of them asks. */
export function directKey(a: string, b: string): string {
  return JSON.stringify(a < b ? [a, b] : [b, a]);
}

/** The member rows of a new direct conversation: both users, plain members, nothing read. */
export function directMembers(conversationId: string, users: readonly string[], joinedAt: number) {
  return users.map((user_id) => ({
    conversation_id: conversationId,
    user_id,
    role: 'member' as const,
    last_read_message_id: null,
    read_at: null,
    joined_at: joinedAt,
  }));
}

/** Messages from others after the member's read marker, excluding deleted ones (`cm` and `m` aliases). */
const UNREAD_AFTER_MARKER = sql<boolean>`m.id > coalesce(cm.last_read_message_id, '')`;

/** Presence reads it on every connect and disconnect: compiled once, not per connection. */
const contactsQuery = compiledOnce((db, userId) =>
  db
    .selectFrom('conversation_members as mine')
    .innerJoin('conversation_members as other', 'other.conversation_id', 'mine.conversation_id')
    .select('other.user_id')
    .distinct()
    .where('mine.user_id', '=', userId)
    .where('other.user_id', '<>', userId),
);

/** Every handshake reads it (`connected.unreadMessages`): compiled once, not per connection. */
const unreadTotalQuery = compiledOnce((db, userId) =>
  db
    .selectFrom('conversation_members as cm')
    .innerJoin('messages as m', 'm.conversation_id', 'cm.conversation_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cm.user_id', '=', userId)
    .where(UNREAD_AFTER_MARKER)
    .where('m.sender_id', '<>', userId)
    .where('m.deleted_at', 'is', null),
);

export class ConversationsRepo {
  constructor(private readonly store: Store) {}

  private get db(): Kysely<Database> {
    return this.store.db;
  }

  /**
   * Insert-or-get on the UNIQUE direct_key: concurrent requests for the same pair all
   * end on the one row that won the insert. Conversation and members are written in
   * one transaction, so nobody sees a direct conversation without its members.
   */
  async getOrCreateDirect(a: string, b: string): Promise<{ row: ConversationRow; created: boolean }> {
    const key = directKey(a, b);
    // Nearly every call finds the pair (each DM by receiverId asks): one indexed read
    // instead of a write transaction on the hot path.
    const existing = await this.db.selectFrom('conversations').selectAll().where('direct_key', '=', key).executeTakeFirst();
    if (existing) return { row: existing, created: false };
    const now = Date.now();
    const id = newId();
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('conversations')
        .values({ id, kind: 'direct', title: null, direct_key: key, created_at: now, last_message_at: null, last_message_id: null })
        .onConflict((oc) => oc.column('direct_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      await trx
        .insertInto('conversation_members')
        .values(directMembers(id, [a, b], now))
        .execute();
      return true;
    });
    const row = await this.db.selectFrom('conversations').selectAll().where('direct_key', '=', key).executeTakeFirstOrThrow();
    return { row, created };
  }

  /** A group with its creator as owner. */
  async createGroup(ownerId: string, memberIds: string[], title: string | null): Promise<ConversationRow> {
    const now = Date.now();
    const row: ConversationRow = {
      id: newId(),
      kind: 'group',
      title,
      direct_key: null,
      created_at: now,
      last_message_at: null,
      last_message_id: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('conversations').values(row).execute();
      const members = [ownerId, ...memberIds.filter((id) => id !== ownerId)];
      await trx
        .insertInto('conversation_members')
        .values(
          members.map((user_id) => ({
            conversation_id: row.id,
            user_id,
            role: user_id === ownerId ? ('owner' as const) : ('member' as const),
            last_read_message_id: null,
            read_at: null,
            joined_at: now,
          })),
        )
        .execute();
    });
    return row;
  }

  find(id: string): Promise<ConversationRow | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .orderBy('joined_at')
      .orderBy('user_id')
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** The member's role, or undefined when the user is not a member. */
  async roleOf(conversationId: string, userId: string): Promise<MemberRole | undefined> {
    const row = await this.db
      .selectFrom('conversation_members')
      .select('role')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role;
  }

  /**
   * Adds a member or changes a role. A new member starts with everything before
   * joining marked read, so old history does not show as unread.
   */
  async setMember(conversationId: string, userId: string, role: MemberRole): Promise<'added' | 'updated' | 'unchanged'> {
    const current = await this.roleOf(conversationId, userId);
    if (current === role) return 'unchanged';
    if (current) {
      await this.db
        .updateTable('conversation_members')
        .set({ role })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .execute();
      return 'updated';
    }
    const conversation = await this.find(conversationId);
    await this.db
      .insertInto('conversation_members')
      .values({
        conversation_id: conversationId,
        user_id: userId,
        role,
        last_read_message_id: conversation?.last_message_id ?? null,
        read_at: null,
        joined_at: Date.now(),
      })
      .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doUpdateSet({ role }))
      .execute();
    return 'added';
  }

  async removeMember(conversationId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('conversation_members')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * The user's conversations, most recent activity first (last message, else
   * creation), with last message and unread count. `before` is a conversation id
   * from the previous page.
   */
  async listForUser(
    userId: string,
    options: { before?: string; limit: number },
  ): Promise<{ entries: ConversationListEntry[]; nextCursor: string | null }> {
    const activity = sql<number>`coalesce(c.last_message_at, c.created_at)`;
    let query = this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('conversations as c', 'c.id', 'cm.conversation_id')
      .where('cm.user_id', '=', userId)
      .selectAll('c')
      .select((eb) =>
        eb
          .selectFrom('messages as m')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('m.conversation_id', '=', 'c.id')
          .where(UNREAD_AFTER_MARKER)
          .where('m.sender_id', '<>', userId)
          .where('m.deleted_at', 'is', null)
          .as('unread_count'),
      );
    if (options.before) {
      const anchor = await this.find(options.before);
      if (anchor) {
        const at = anchor.last_message_at ?? anchor.created_at;
        query = query.where((eb) => eb.or([eb(activity, '<', at), eb.and([eb(activity, '=', at), eb('c.id', '<', anchor.id)])]));
      }
    }
    const rows = await query
      .orderBy(activity, 'desc')
      .orderBy('c.id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const page = rows.slice(0, options.limit);
    const ids = page.map((r) => r.id);
    const lastIds = page.map((r) => r.last_message_id).filter((id): id is string => id !== null);
    const [members, lastMessages] = await Promise.all([
      ids.length
        ? this.db
            .selectFrom('conversation_members')
            .select(['conversation_id', 'user_id'])
            .where('conversation_id', 'in', ids)
            .orderBy('joined_at')
            .orderBy('user_id')
            .execute()
        : [],
      lastIds.length ? this.db.selectFrom('messages').selectAll().where('id', 'in', lastIds).execute() : [],
    ]);
    const membersOf = new Map<string, string[]>();
    for (const m of members) membersOf.set(m.conversation_id, [...(membersOf.get(m.conversation_id) ?? []), m.user_id]);
    const messageById = new Map(lastMessages.map((m) => [m.id, m]));
    const entries = page.map(({ unread_count, ...row }) => ({
      row,
      memberIds: membersOf.get(row.id) ?? [],
      lastMessage: row.last_message_id ? messageById.get(row.last_message_id) : undefined,
      unreadCount: Number(unread_count ?? 0),
    }));
    return { entries, nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null };
  }

  /** Unread messages in one conversation for one member (range scan on messages(conversation_id, id)). */
  async unreadCount(conversationId: string, userId: string): Promise<number> {
    const row = await this.unreadCountQuery(conversationId, userId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * The unread-count query itself, exposed for EXPLAIN in tests and reports. The read
   * marker is a scalar subquery so that both bounds (conversation_id = …, id > marker)
   * reach the (conversation_id, id) index; as a join, PostgreSQL preferred a range
   * over the primary key that also reads other conversations' newer messages.
   */
  unreadCountQuery(conversationId: string, userId: string) {
    return this.db
      .selectFrom('messages as m')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('m.conversation_id', '=', conversationId)
      .where('m.id', '>', (eb) =>
        eb
          .selectFrom('conversation_members as cm')
          .select(sql<string>`coalesce(cm.last_read_message_id, '')`.as('marker'))
          .where('cm.conversation_id', '=', conversationId)
          .where('cm.user_id', '=', userId),
      )
      .where('m.sender_id', '<>', userId)
      .where('m.deleted_at', 'is', null);
  }

  /** Unread messages over all of the user's conversations (the `connected` total). */
  async unreadTotal(userId: string): Promise<number> {
    const [row] = await unreadTotalQuery(this.db, userId);
    return Number(row?.n ?? 0);
  }

  /**
   * Moves the member's read marker forward to `messageId` (never back: ULIDs sort
   * by time, so a late, older read cannot undo a newer one). True when it moved.
   */
  async markRead(conversationId: string, userId: string, messageId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('conversation_members')
      .set({ last_read_message_id: messageId, read_at: at })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_read_message_id', 'is', null), eb('last_read_message_id', '<', messageId)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Everyone who shares at least one conversation with the user (presence audience). */
  async contactsOf(userId: string): Promise<string[]> {
    const rows = await contactsQuery(this.db, userId);
    return rows.map((r) => r.user_id);
  }
}
