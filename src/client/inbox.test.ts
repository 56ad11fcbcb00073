/**
 * The inbox through the SDK: `unreadCount` in step on two clients (devices) of one
 * user through notify, read on one device, read-all on the other, deletes, items from
 * before the connection, and a reconnect with changes made while offline.
 */
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/cluster.js';
import { notifyVia } from '../../test/support/notifications-kit.js';
import { reach, sdkClient } from '../../test/support/sdk.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import { startTcpProxy } from '../../test/support/tcp-proxy.js';
import type { SwitchboardClient } from './index.js';

async function notify(server: TestServer, userId: string, title: string): Promise<string> {
  const res = await notifyVia(server, { userId, type: 'info', title, message: title });
  expect(res.status).toBe(202);
  return res.body.ids[0];
}

async function serverCount(server: TestServer, userId: string): Promise<number> {
  return (await server.request('GET', '/api/notifications/unread-count', { token: await server.token(userId) })).body.count;
}

/** Both devices show `count`, and so does the server. */
async function inStep(server: TestServer, devices: SwitchboardClient[], count: number): Promise<void> {
  await waitUntil(() => devices.every((d) => d.inbox.unreadCount === count), `both devices at ${count}`);
  expect(await serverCount(server, 'u1')).toBe(count);
}

describe('inbox.unreadCount', () => {
  it('stays in step across two clients of one user', async () => {
    const server = await startTestServer();
    const old = [await notify(server, 'u1', 'before 1'), await notify(server, 'u1', 'before 2')];
    const phone = sdkClient({ url: server.url, token: await server.token('u1') });
    const laptop = sdkClient({ url: server.url, token: await server.token('u1') });
    await Promise.all([phone.ready, laptop.ready]);
    expect([phone.inbox.unreadCount, laptop.inbox.unreadCount]).toEqual([2, 2]);
    let changes = 0;
    laptop.inbox.on('change', () => changes++);

    const fresh = [await notify(server, 'u1', 'n1'), await notify(server, 'u1', 'n2'), await notify(server, 'u1', 'n3')];
    await inStep(server, [phone, laptop], 5);
    expect(laptop.inbox.notifications.map((n) => n.title)).toEqual(['n3', 'n2', 'n1']);

    await phone.inbox.markRead(fresh[0] as string);
    await inStep(server, [phone, laptop], 4);
    await phone.inbox.markRead(fresh[0] as string); // already read: the echo changes nothing
    // An item from before the connection (its state unknown to the SDK until listed).
    await laptop.inbox.markRead(old[0] as string);
    await inStep(server, [phone, laptop], 3);
    await phone.inbox.remove(fresh[1] as string);
    await inStep(server, [phone, laptop], 2);
    await laptop.inbox.remove(old[0] as string); // a read one: no change
    await inStep(server, [phone, laptop], 2);
    await laptop.inbox.markAllRead();
    await inStep(server, [phone, laptop], 0);
    expect(phone.inbox.notifications.every((n) => n.read)).toBe(true);
    expect(changes).toBeGreaterThan(0);

    const { notifications } = await phone.inbox.list({ unread: false, limit: 10 });
    expect(notifications).toHaveLength(3); // five, two deleted
    await notify(server, 'u1', 'n4');
    await inStep(server, [phone, laptop], 1);
  });

  it('catches up after a reconnect with what changed while offline', async () => {
    const server = await startTestServer();
    const proxy = await startTcpProxy(server.port);
    const phone = sdkClient({ url: proxy.url, token: await server.token('u1') });
    const laptop = sdkClient({ url: server.url, token: await server.token('u1') });
    await Promise.all([phone.ready, laptop.ready]);
    const first = await notify(server, 'u1', 'n1');
    await inStep(server, [phone, laptop], 1);

    proxy.block();
    proxy.cut();
    await reach(phone, 'disconnected');
    await laptop.inbox.markRead(first);
    await notify(server, 'u1', 'n2');
    await notify(server, 'u1', 'n3');
    await waitUntil(() => laptop.inbox.unreadCount === 2, 'laptop at 2');
    expect(phone.inbox.unreadCount).toBe(1);
    proxy.unblock();
    await reach(phone, 'connected');
    await inStep(server, [phone, laptop], 2);
    // Known again after a list: a read of it counts down without a refetch.
    const { notifications } = await phone.inbox.list();
    await laptop.inbox.markRead(notifications[0]?.id as string);
    await inStep(server, [phone, laptop], 1);
  });
});
