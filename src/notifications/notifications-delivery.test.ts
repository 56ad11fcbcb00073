/** Live delivery: every device, offline users, isolation between users, batches. */
import { describe, expect, it } from 'vitest';
import { collect, emitAck, expectNoEvent, nextEvent } from '../../test/support/client.js';
import { listFor, notifyVia, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer } from '../../test/support/server.js';
import type { Notification } from '../protocol/shapes.js';

describe('notification delivery', () => {
  it('stores, then delivers the contract shape to every device of the user', async () => {
    const server = await startTestServer();
    const phone = await server.connect('42');
    const laptop = await server.connect('42');
    const onPhone = nextEvent<Notification>(phone.socket, 'notification');
    const onLaptop = nextEvent<Notification>(laptop.socket, 'notification');

    const res = await notifyVia(server, {
      userId: '42',
      type: 'success',
      title: 'Saved',
      message: 'All good',
      data: { n: 1 },
      kind: 'demo',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ ok: true, count: 1, scheduled: false });
    const [id] = res.body.ids;

    const [a, b] = await Promise.all([onPhone, onLaptop]);
    expect(a).toEqual(b);
    expect(a).toEqual({
      id,
      type: 'success',
      kind: 'demo',
      title: 'Saved',
      message: 'All good',
      data: { n: 1 },
      read: false,
      timestamp: a.timestamp,
    });
    expect(new Date(a.timestamp).toISOString()).toBe(a.timestamp);
    expect(res.body.notification).toEqual(a);

    // Acknowledged means stored.
    const list = await listFor(server, '42');
    expect(list.body.notifications).toEqual([a]);
  });

  it('keeps what arrives while the user is offline: counted at connect and listed newest first', async () => {
    const server = await startTestServer();
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three']) {
      const res = await notifyVia(server, { userId: 'offline-1', type: 'info', title, message: `${title}!` });
      ids.push(res.body.ids[0]);
    }
    const { connected } = await server.connect('offline-1');
    expect(connected.unreadNotifications).toBe(3);

    const list = await listFor(server, 'offline-1');
    expect(list.status).toBe(200);
    expect(list.body.ok).toBe(true);
    expect(list.body.notifications.map((n: Notification) => n.title)).toEqual(['three', 'two', 'one']);
    expect(list.body.notifications.map((n: Notification) => n.id)).toEqual([...ids].reverse());
    expect(list.body.notifications.every((n: Notification) => n.read === false)).toBe(true);
    expect(list.body.nextCursor).toBeNull();

    const count = await server.request('GET', '/api/notifications/unread-count', { token: await server.token('offline-1') });
    expect(count.body).toEqual({ ok: true, count: 3 });
  });

  it("never delivers, shows or lets anyone change another user's notification", async () => {
    const server = await startTestServer();
    const alice = await server.connect('alice');
    const bob = await server.connect('bob');
    const bobToken = await server.token('bob');

    const got = nextEvent<Notification>(alice.socket, 'notification');
    const res = await notifyVia(server, { userId: 'alice', type: 'info', title: 'Private', message: 'for alice' });
    const id: string = res.body.ids[0];
    await got;
    await expectNoEvent(bob.socket, 'notification');

    const bobEchoes = collect(bob.socket, 'notification:updated');
    const aliceEchoes = collect(alice.socket, 'notification:updated');
    for (const [method, path] of [
      ['POST', `/api/notifications/${id}/read`],
      ['DELETE', `/api/notifications/${id}`],
    ] as const) {
      const r = await server.request(method, path, { token: bobToken });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('NOT_FOUND');
    }
    const readAck = await emitAck(bob.socket, 'notification:read', { notificationId: id });
    expect(readAck).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const deleteAck = await emitAck(bob.socket, 'notification:delete', { notificationId: id });
    expect(deleteAck).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Bob's read-all touches only his own (none).
    expect(await emitAck(bob.socket, 'notification:read', { all: true })).toEqual({ ok: true, data: { count: 0 } });

    expect((await listFor(server, 'bob')).body.notifications).toEqual([]);
    const aliceList = await listFor(server, 'alice');
    expect(aliceList.body.notifications).toMatchObject([{ id, read: false }]);
    expect(bobEchoes).toEqual([]);
    expect(aliceEchoes).toEqual([]);
  });

  it('notifies a batch of users in one call: each connected one gets its own copy, every copy is stored', async () => {
    const server = await startTestServer();
    const userIds = Array.from({ length: 2000 }, (_, i) => `batch-${i}`);
    const online = ['batch-0', 'batch-777', 'batch-1999'];
    const sockets = await Promise.all(online.map((u) => server.connect(u)));
    const received = sockets.map(({ socket }) => nextEvent<Notification>(socket, 'notification'));

    const res = await notifyVia(server, { userIds: [...userIds, 'batch-0'], template: 'report:ready', data: { type: 'monthly' } });
    expect(res.status).toBe(202);
    expect(res.body.count).toBe(2000); // duplicates removed
    expect(new Set(res.body.ids).size).toBe(2000);

    const got = await Promise.all(received);
    for (const [i, n] of got.entries()) {
      expect(n).toMatchObject({ title: '📊 Report Ready', message: 'Your monthly report is ready!', kind: 'report:ready' });
      expect(n.id).toBe(res.body.ids[userIds.indexOf(online[i] as string)]);
    }
    const last = await listFor(server, 'batch-1500');
    expect(last.body.notifications).toHaveLength(1);
    expect(last.body.notifications[0].id).toBe(res.body.ids[1500]);
  });

  it('offers the same dispatcher as the programmatic notify()', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('7');
    const got = nextEvent<Notification>(socket, 'notification');
    const result = await server.switchboard.notify({ userId: '7', type: 'warning', title: 'Careful', message: 'Disk at 91%' });
    expect(result).toMatchObject({ count: 1, scheduled: false });
    expect((await got).id).toBe(result.ids[0]);
    await waitFor(async () => (await listFor(server, '7')).body.notifications.length === 1);
  });
});
