/**
 * The feature's store queries on SQLite and PostgreSQL: the same queries, the same
 * answers. PostgreSQL is skipped loudly when absent (mandatory in CI).
 */
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { newId } from '../core/ids.js';
import { type NotificationContent, notificationRow } from './notification-content.js';
import { NotificationsRepo } from './notifications-repo.js';
import { ScheduleRepo } from './schedule-repo.js';

const CONTENT: NotificationContent = { type: 'info', kind: null, title: 'T', message: 'M', data: '{"a":1}' };
const DAY = 86_400_000;

describeEachStore('notifications store', (db) => {
  let repo: NotificationsRepo;
  let schedule: ScheduleRepo;

  beforeAll(() => {
    repo = new NotificationsRepo(db.store);
    schedule = new ScheduleRepo(db.store);
  });

  afterEach(async () => {
    await db.store.db.deleteFrom('notifications').execute();
    await db.store.db.deleteFrom('scheduled_notifications').execute();
  });

  /** Inserts `count` rows for `userId`, oldest first; returns their ids. */
  async function insert(userId: string, count: number, createdAt = Date.now()): Promise<string[]> {
    const rows = Array.from({ length: count }, () => notificationRow(newId(), userId, CONTENT, createdAt));
    await repo.insert(rows);
    return rows.map((r) => r.id);
  }

  it('lists newest first with an id cursor and an unread filter, scoped to the user', async () => {
    const ids = await insert('u', 5);
    await insert('other', 3);
    const page1 = await repo.list('u', { limit: 2 });
    expect(page1.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(page1.nextCursor).toBe(ids[3]);
    const page2 = await repo.list('u', { limit: 2, before: page1.nextCursor! });
    expect(page2.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const page3 = await repo.list('u', { limit: 2, before: page2.nextCursor! });
    expect(page3.rows.map((r) => r.id)).toEqual([ids[0]]);
    expect(page3.nextCursor).toBeNull();

    expect(await repo.markRead('u', ids[4]!)).toBe(true);
    const unread = await repo.list('u', { limit: 10, unreadOnly: true });
    expect(unread.rows.map((r) => r.id)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(page1.rows[0]).toMatchObject({ user_id: 'u', type: 'info', title: 'T', message: 'M', data: '{"a":1}', read: 0, kind: null });
  });

  it('counts, reads, reads all and deletes only within the user', async () => {
    const ids = await insert('u', 3);
    const foreign = await insert('other', 1);
    expect(await repo.unreadCount('u')).toBe(3);
    expect(await repo.markRead('u', foreign[0]!)).toBe(false);
    expect(await repo.remove('u', foreign[0]!)).toBe(false);
    expect(await repo.markRead('u', ids[0]!)).toBe(true);
    expect(await repo.markRead('u', ids[0]!)).toBe(true); // idempotent
    expect(await repo.unreadCount('u')).toBe(2);
    expect(await repo.markAllRead('u')).toEqual([ids[1], ids[2]]);
    expect(await repo.markAllRead('u')).toEqual([]);
    expect(await repo.unreadCount('u')).toBe(0);
    expect(await repo.unreadCount('other')).toBe(1);
    expect(await repo.remove('u', ids[1]!)).toBe(true);
    expect(await repo.remove('u', ids[1]!)).toBe(false);
    expect((await repo.list('u', { limit: 10 })).rows).toHaveLength(2);
  });

  it('retention queries: age in batches, users over the cap, trimming the oldest', async () => {
    const now = Date.now();
    await insert('old', 7, now - 100 * DAY);
    const keep = await insert('old', 2, now);
    expect(await repo.deleteOlderThan(now - 90 * DAY, 5)).toBe(5);
    expect(await repo.deleteOlderThan(now - 90 * DAY, 5)).toBe(2);
    expect(await repo.deleteOlderThan(now - 90 * DAY, 5)).toBe(0);
    expect((await repo.list('old', { limit: 10 })).rows.map((r) => r.id)).toEqual([...keep].reverse());

    const many = await insert('heavy', 12);
    await insert('light', 2);
    expect(await repo.usersOverCap(4, 10)).toEqual(['heavy']);
    expect(await repo.trimUser('heavy', 4, 5)).toBe(5);
    expect(await repo.trimUser('heavy', 4, 5)).toBe(3);
    expect(await repo.trimUser('heavy', 4, 5)).toBe(0);
    expect((await repo.list('heavy', { limit: 10 })).rows.map((r) => r.id)).toEqual(many.slice(-4).reverse());
    expect(await repo.usersOverCap(4, 10)).toEqual([]);
  });

  it('scheduled rows: only due rows are claimed, a live claim is exclusive, firing stores each once', async () => {
    const t = Date.now();
    const entries = ['a', 'b', 'c'].map((userId, i) => ({ id: newId(), userId, dueAt: t + i * 1000 }));
    await schedule.enqueue(entries, CONTENT, t);

    expect((await schedule.claimDue('n1', { limit: 10, leaseMs: 5000, now: t - 1 })).claimed).toBe(0);
    const first = await schedule.claimDue('n1', { limit: 10, leaseMs: 5000, now: t + 1000 });
    expect(first.claimed).toBe(2);
    // Another node at the same moment finds nothing to claim.
    expect((await schedule.claimDue('n2', { limit: 10, leaseMs: 5000, now: t + 1000 })).claimed).toBe(0);

    const fired = await schedule.fireClaimed(first.token, t + 1000);
    expect(fired.map((r) => [r.id, r.user_id])).toEqual([
      [entries[0]!.id, 'a'],
      [entries[1]!.id, 'b'],
    ]);
    expect(await schedule.fireClaimed(first.token, t + 1000)).toEqual([]);
    expect(await repo.list('a', { limit: 5 })).toMatchObject({ rows: [{ id: entries[0]!.id, created_at: t + 1000, read: 0 }] });
    expect(await schedule.pendingCount()).toBe(1);

    // Fired rows are never claimed again, even long after their lease.
    const later = await schedule.claimDue('n2', { limit: 10, leaseMs: 5000, now: t + 60_000 });
    expect(later.claimed).toBe(1);
    expect((await schedule.fireClaimed(later.token, t + 60_000)).map((r) => r.user_id)).toEqual(['c']);
    expect(await schedule.pendingCount()).toBe(0);

    expect(await schedule.purgeFired(t + 2000, 10)).toBe(2);
    expect(await schedule.purgeFired(t + 60_001, 10)).toBe(1);
  });

  it('a crashed claim expires and is retried by another node; the stale claimer fires nothing', async () => {
    const t = Date.now();
    const id = newId();
    await schedule.enqueue([{ id, userId: 'z', dueAt: t }], CONTENT, t);
    const crashed = await schedule.claimDue('dead-node', { limit: 10, leaseMs: 1000, now: t });
    expect(crashed.claimed).toBe(1);
    expect((await schedule.claimDue('n2', { limit: 10, leaseMs: 1000, now: t + 999 })).claimed).toBe(0);
    const retry = await schedule.claimDue('n2', { limit: 10, leaseMs: 1000, now: t + 1001 });
    expect(retry.claimed).toBe(1);
    // The first node wakes up late: its claim was taken over, so it stores nothing.
    expect(await schedule.fireClaimed(crashed.token)).toEqual([]);
    expect((await schedule.fireClaimed(retry.token)).map((r) => r.id)).toEqual([id]);
    expect((await repo.list('z', { limit: 5 })).rows).toHaveLength(1);
  });

  it('concurrent claimers fire every row exactly once', async () => {
    const t = Date.now();
    const entries = Array.from({ length: 300 }, (_, i) => ({ id: newId(), userId: `c${i % 7}`, dueAt: t }));
    await schedule.enqueue(entries, CONTENT, t);
    const firedBy = await Promise.all(
      ['n1', 'n2', 'n3', 'n4'].map(async (node) => {
        const mine: string[] = [];
        for (;;) {
          const { token, claimed } = await schedule.claimDue(node, { limit: 25, leaseMs: 60_000 });
          if (claimed === 0) return mine;
          for (const row of await schedule.fireClaimed(token)) mine.push(row.id);
        }
      }),
    );
    const all = firedBy.flat();
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    const stored = await db.store.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(300);
  });
});
