/**
 * deliverAt: fired by the scheduler on time, after a restart (including what fell
 * due while the server was down), and exactly once with two servers on one store.
 * Waits are on events and store state, never on elapsed time.
 */
import { describe, expect, it } from 'vitest';
import { collect, expectNoEvent, nextEvent } from '../../test/support/client.js';
import { listFor, notifyVia, sharedPgStores, tempSqliteUrl, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { postgresUnavailable } from '../../test/support/services.js';
import type { Notification } from '../protocol/shapes.js';
import type { Store } from '../store/store.js';
import { ScheduleRepo } from './schedule-repo.js';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const pgMissing = await postgresUnavailable();

/** Waits until `deliverAt` has passed on the wall clock (the server is down meanwhile). */
async function until(iso: string): Promise<void> {
  await waitFor(() => Date.now() > Date.parse(iso) + 20, 10_000, iso);
}

describe('scheduled notifications', () => {
  it('stores a future deliverAt as scheduled and delivers it when due, with the announced id', async () => {
    const server = await startTestServer({ config: { notifications: { schedulerIntervalMs: 50 } } });
    const { socket } = await server.connect('s1');
    const deliverAt = inMs(1500);
    const got = nextEvent<Notification>(socket, 'notification', 10_000);
    const res = await notifyVia(server, { userId: 's1', template: 'alarm:trigger', data: { title: 'Stretch' }, deliverAt });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ ok: true, scheduled: true, count: 1, deliverAt: new Date(deliverAt).toISOString() });
    const [id] = res.body.ids;
    // Not in the inbox before it fires (checked right after scheduling, 1.5 s ahead of time).
    expect((await listFor(server, 's1')).body.notifications).toEqual([]);

    const n = await got;
    expect(n).toMatchObject({ id, type: 'warning', title: '⏰ Alarm', message: 'Stretch', read: false });
    expect(Date.parse(n.timestamp)).toBeGreaterThanOrEqual(Date.parse(deliverAt));
    expect((await listFor(server, 's1')).body.notifications).toEqual([n]);
  });

  it('delivers a deliverAt in the past at once', async () => {
    const server = await startTestServer();
    const res = await notifyVia(server, { userId: 's2', type: 'info', title: 'late', message: 'm', deliverAt: inMs(-60_000) });
    expect(res.body).toMatchObject({ scheduled: false, count: 1, notification: { title: 'late' } });
  });

  it('survives a restart: fires what fell due while down, at start, and never re-fires what had fired', async () => {
    const url = tempSqliteUrl();
    const config = { database: { url }, notifications: { schedulerIntervalMs: 50 } };

    const first = await startTestServer({ config, manualStop: true });
    const before = await first.connect('r1');
    const early = nextEvent<Notification>(before.socket, 'notification', 10_000);
    const firedBefore = (await notifyVia(first, { userId: 'r1', type: 'info', title: 'early', message: 'm', deliverAt: inMs(300) })).body
      .ids[0];
    expect((await early).id).toBe(firedBefore);

    // Due in 2 s; the server stops right away, so it falls due while nobody runs.
    const whileDown = inMs(2000);
    const dueWhileDown = (await notifyVia(first, { userId: 'r1', type: 'info', title: 'while down', message: 'm', deliverAt: whileDown }))
      .body.ids[0];
    await first.stop();
    await until(whileDown);

    const second = await startTestServer({ config });
    const inbox = await waitFor(async () => {
      const list = (await listFor(second, 'r1')).body.notifications as Notification[];
      return list.length >= 2 ? list : undefined;
    });
    expect(inbox.map((n) => [n.id, n.title])).toEqual([
      [dueWhileDown, 'while down'],
      [firedBefore, 'early'],
    ]);
    const after = await second.connect('r1');
    expect(after.connected.unreadNotifications).toBe(2);
    await expectNoEvent(after.socket, 'notification', 300);
    expect((await listFor(second, 'r1')).body.notifications).toHaveLength(2);
    expect(await new ScheduleRepo(second.switchboard.context.store).pendingCount()).toBe(0);
  });

  /** Two servers on one store, a device of the user on each; every scheduled id arrives exactly once in total. */
  async function exactlyOnce(servers: TestServer[], store: Store) {
    const devices = await Promise.all(servers.map((s) => s.connect('once')));
    const received = devices.map(({ socket }) => collect<Notification>(socket, 'notification'));
    const deliverAt = inMs(800);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const via = servers[i % servers.length] as TestServer;
      ids.push((await notifyVia(via, { userId: 'once', type: 'info', title: `#${i}`, message: 'm', deliverAt })).body.ids[0]);
    }
    const schedule = new ScheduleRepo(store);
    await waitFor(async () => (await schedule.pendingCount()) === 0, 15_000, 'the queue to drain');
    // Socket.IO emits are asynchronous: wait until all 40 arrived, then a little longer for any duplicate.
    await waitFor(() => received.flat().length >= 40, 10_000, '40 notifications');
    // A duplicate would arrive right behind the originals: absence is checked over a short window.
    await Promise.all(devices.map(({ socket }) => expectNoEvent(socket, 'notification', 300)));
    const all = received.flat().map((n) => n.id);
    expect(all).toHaveLength(40);
    expect(new Set(all)).toEqual(new Set(ids));
    const listed = (await listFor(servers[0] as TestServer, 'once', '?limit=100')).body.notifications as Notification[];
    expect(listed).toHaveLength(40);
  }

  it('fires exactly once with two servers claiming from one SQLite file', async () => {
    const url = tempSqliteUrl();
    const config = { database: { url }, notifications: { schedulerIntervalMs: 20 } };
    const a = await startTestServer({ config });
    const b = await startTestServer({ config });
    await exactlyOnce([a, b], a.switchboard.context.store);
  });

  it.skipIf(pgMissing !== undefined)('fires exactly once with two servers claiming from one PostgreSQL schema', async () => {
    const [storeA, storeB] = sharedPgStores(2) as [Store, Store];
    const config = { notifications: { schedulerIntervalMs: 20 } };
    const a = await startTestServer({ config, store: storeA });
    const b = await startTestServer({ config, store: storeB });
    await exactlyOnce([a, b], storeA);
  });
});
