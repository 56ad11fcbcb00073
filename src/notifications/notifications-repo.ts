/**
 * Store queries of the inbox. Every read and write is scoped by `user_id`, so a
 * user can never see, change or learn of another user's notification: a foreign
 * id simply matches no row (NOT_FOUND, never FORBIDDEN).
 */
import type { Kysely, Transaction } from 'kysely';
import { compiledOnce } from '../store/compiled-once.js';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import type { NotificationsTable } from './notifications-table.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Every handshake reads it (`connected.unreadNotifications`): compiled once, not per connection. */
const unreadCountQuery = compiledOnce((db, userId) =>
  db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('read', '=', 0),
);

/** Options of `list`. */
export interface ListOptions {
  /** Only unread notifications. @default false */
  unreadOnly?: boolean;
  /** Cursor: only notifications with an id below this one (older). */
  before?: string;
  /** Page size. */
  limit: number;
}

export class NotificationsRepo {
  constructor(private readonly store: Store) {}

  /** Inserts rows (one chunk; the caller wraps chunks in transactions). */
  async insert(rows: NotificationsTable[], db: Db = this.store.db): Promise<void> {
    if (rows.length > 0) await db.insertInto('notifications').values(rows).execute();
  }

  /**
   * Newest first. The cursor is an id, not an offset, so a page stays the same while
   * new notifications (with greater ids) arrive. One extra row is read to know
   * whether another page exists.
   */
  async list(userId: string, options: ListOptions): Promise<{ rows: NotificationsTable[]; nextCursor: string | null }> {
    let query = this.store.db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
    if (options.unreadOnly) query = query.where('read', '=', 0);
    if (options.before) query = query.where('id', '<', options.before);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    return { rows: page, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
  }

  async unreadCount(userId: string): Promise<number> {
    const [row] = await unreadCountQuery(this.store.db, userId);
    return Number(row?.count ?? 0);
  }

  /** Marks one notification read; false when the user has no such notification. */
  async markRead(userId: string, id: string, now = Date.now()): Promise<boolean> {
    // read_at keeps the first read time: an already-read row still matches (idempotent).
    const result = await this.store.db
      .updateTable('notifications')
      .set((eb) => ({ read: 1, read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks every unread notification of the user read; returns the ids that changed. */
  async markAllRead(userId: string, now = Date.now()): Promise<string[]> {
    // RETURNING (SQLite ≥ 3.35 and PostgreSQL) names exactly the rows this statement
    // changed, so one arriving meanwhile is neither marked silently nor echoed wrongly.
    const rows = await this.store.db
      .updateTable('notifications')
      .set({ read: 1, read_at: now })
      .where('user_id', '=', userId)
      .where('read', '=', 0)
      .returning('id')
      .execute();
    return rows.map((r) => r.id).sort();
  }

  /** Deletes one notification; false when the user has no such notification. */
  async remove(userId: string, id: string): Promise<boolean> {
    const result = await this.store.db.deleteFrom('notifications').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Deletes up to `batch` notifications created before `cutoff`; returns how many. */
  async deleteOlderThan(cutoff: number, batch: number): Promise<number> {
    const result = await this.store.db
      .deleteFrom('notifications')
      .where('id', 'in', (eb) => eb.selectFrom('notifications').select('id').where('created_at', '<', cutoff).limit(batch))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Up to `limit` users holding more than `cap` notifications. */
  async usersOverCap(cap: number, limit: number): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('notifications')
      .select('user_id')
      .groupBy('user_id')
      .having((eb) => eb.fn.countAll(), '>', cap)
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Deletes up to `batch` of the user's oldest notifications beyond the newest `cap`; returns how many. */
  async trimUser(userId: string, cap: number, batch: number): Promise<number> {
    // The (cap+1)-th newest id: it and everything older goes.
    const boundary = await this.store.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(1)
      .offset(cap)
      .executeTakeFirst();
    if (!boundary) return 0;
    const result = await this.store.db
      .deleteFrom('notifications')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('notifications')
          .select('id')
          .where('user_id', '=', userId)
          .where('id', '<=', boundary.id)
          .orderBy('id', 'asc')
          .limit(batch),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
