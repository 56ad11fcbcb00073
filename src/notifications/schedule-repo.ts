/**
 * The durable queue behind `deliverAt` (issue 4: "a durable queue in the store,
 * claimed rows, not a setTimeout per notification").
 *
 * Exactly once, with any number of nodes and crashes:
 * 1. Claim: one UPDATE sets `claimed_by = token, claimed_until = now + lease` on due
 *    rows that are unfired and unclaimed (or whose lease ran out). The WHERE clause
 *    is re-checked on the row the UPDATE writes (SQLite serialises writers;
 *    PostgreSQL re-evaluates it after waiting for a concurrent writer's row lock),
 *    so two nodes never both hold a live claim on a row.
 * 2. Fire: ONE transaction sets `fired_at` on the rows still claimed by this token
 *    and unfired, RETURNING them, and inserts exactly those as notifications. Both
 *    writes commit together or not at all:
 *    - crash before commit → nothing stored, the lease expires, another node (or
 *      this one after restart) claims and fires it: never lost;
 *    - a node whose lease expired and was re-claimed elsewhere matches no rows
 *      (`claimed_by` changed), and a row already fired matches none (`fired_at`):
 *      never stored twice (the notification's primary key is a last guard).
 * 3. Deliver: only the node whose transaction committed emits, after the commit.
 *    A crash between commit and emit leaves the notification stored and unread
 *    (the user sees it in the inbox and in `unreadNotifications`), not repeated.
 */
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';
import { type NotificationContent, notificationRow } from './notification-content.js';
import type { NotificationsTable } from './notifications-table.js';

/** A queued notification for one recipient. */
export interface ScheduledEntry {
  id: string;
  userId: string;
  dueAt: number;
}

/** Runs inside the fire transaction with the stored rows (the webhooks' `notification.created`). */
export type FiredHook = (trx: Transaction<Database>, rows: readonly NotificationsTable[]) => Promise<void>;

export class ScheduleRepo {
  constructor(
    private readonly store: Store,
    private readonly onFired?: FiredHook,
  ) {}

  /** Queues one row per recipient (one chunk; the caller wraps chunks in transactions). */
  async enqueue(entries: ScheduledEntry[], content: NotificationContent, now = Date.now()): Promise<void> {
    if (entries.length === 0) return;
    await this.store.db
      .insertInto('scheduled_notifications')
      .values(
        entries.map((e) => ({
          id: e.id,
          user_id: e.userId,
          ...content,
          due_at: e.dueAt,
          created_at: now,
          claimed_by: null,
          claimed_until: null,
          fired_at: null,
        })),
      )
      .execute();
  }

  /**
   * Claims up to `limit` due rows for `leaseMs`; returns the claim token (use it to
   * fire) and how many rows it holds.
   */
  async claimDue(nodeId: string, options: { limit: number; leaseMs: number; now?: number }): Promise<{ token: string; claimed: number }> {
    const now = options.now ?? Date.now();
    const token = `${nodeId}:${randomBytes(6).toString('hex')}`;
    const result = await this.store.db
      .updateTable('scheduled_notifications')
      .set({ claimed_by: token, claimed_until: now + options.leaseMs })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('scheduled_notifications')
          .select('id')
          .where('fired_at', 'is', null)
          .where('due_at', '<=', now)
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
          .orderBy('due_at', 'asc')
          .limit(options.limit),
      )
      // Repeated on the outer statement: this is the predicate the engine re-checks
      // on the row it writes, which is what makes a claim exclusive.
      .where('fired_at', 'is', null)
      .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
      .executeTakeFirst();
    return { token, claimed: Number(result.numUpdatedRows) };
  }

  /**
   * Fires what `token` still holds: marks the rows fired and stores them as
   * notifications in one transaction. Returns the stored rows (to deliver after
   * the commit); empty when the claim was lost to another node.
   */
  async fireClaimed(token: string, now = Date.now()): Promise<NotificationsTable[]> {
    return this.store.db.transaction().execute(async (trx) => {
      // The first statement writes, so SQLite takes the write lock at once (no
      // read-then-upgrade deadlock between two processes on one file).
      const fired = await trx
        .updateTable('scheduled_notifications')
        .set({ fired_at: now })
        .where('claimed_by', '=', token)
        .where('fired_at', 'is', null)
        .returning(['id', 'user_id', 'type', 'kind', 'title', 'message', 'data'])
        .execute();
      const rows = fired
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((r) => {
          const content: NotificationContent = {
            type: r.type as NotificationContent['type'],
            kind: r.kind,
            title: r.title,
            message: r.message,
            data: r.data,
          };
          return notificationRow(r.id, r.user_id, content, now);
        });
      // Chunked to stay under SQLite's bound-parameter limit for large claims.
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('notifications')
          .values(rows.slice(i, i + 500))
          .execute();
      await this.onFired?.(trx, rows);
      return rows;
    });
  }

  /** Rows not fired yet (pending or claimed), for tests and diagnostics. */
  async pendingCount(): Promise<number> {
    const row = await this.store.db
      .selectFrom('scheduled_notifications')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('fired_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** Deletes up to `batch` rows fired before `cutoff` (the queue keeps a short audit trail). */
  async purgeFired(cutoff: number, batch: number): Promise<number> {
    const result = await this.store.db
      .deleteFrom('scheduled_notifications')
      .where('id', 'in', (eb) =>
        eb.selectFrom('scheduled_notifications').select('id').where('fired_at', 'is not', null).where('fired_at', '<', cutoff).limit(batch),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
