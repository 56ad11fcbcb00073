/**
 * Kysely table types of the notifications feature, composed into the store's
 * `Database` (src/store/database.ts). Times are epoch milliseconds (bigint columns).
 */

/** The columns both tables share: who gets it and what it says. */
export interface NotificationColumns {
  user_id: string;
  type: string;
  /** Free-form category (`email:new`, `new_follow`, …), or null. */
  kind: string | null;
  title: string;
  message: string;
  /** JSON text of the caller's `data`, or null when none was given. */
  data: string | null;
}

/** One notification in one user's inbox. */
export interface NotificationsTable extends NotificationColumns {
  /** ULID: sortable, so it is also the listing cursor (`before=`). */
  id: string;
  /** 0 or 1: integer, so the same column works on SQLite and PostgreSQL. */
  read: number;
  created_at: number;
  read_at: number | null;
}

/**
 * The durable delivery queue for `deliverAt`: one row per future notification
 * (per recipient). A node claims due rows by writing `claimed_by`/`claimed_until`
 * (a lease); firing sets `fired_at` in the same transaction that stores the
 * notification. See schedule-repo.ts for why this fires exactly once.
 */
export interface ScheduledNotificationsTable extends NotificationColumns {
  /** The id the notification gets when it fires (known, and returned, at schedule time). */
  id: string;
  due_at: number;
  created_at: number;
  /** Claim token of the node currently firing this row (`nodeId:random`), or null. */
  claimed_by: string | null;
  /** The claim's lease: after this time another node may claim the row again. */
  claimed_until: number | null;
  /** Set once, by the transaction that stored the notification. */
  fired_at: number | null;
}

export interface NotificationsTables {
  notifications: NotificationsTable;
  scheduled_notifications: ScheduledNotificationsTable;
}

declare module '../store/database.js' {
  interface Database extends NotificationsTables {}
}
