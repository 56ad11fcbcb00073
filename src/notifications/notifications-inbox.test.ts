/** The inbox over HTTP and the socket: read, read-all, delete with cross-device echo; pagination. */
import { describe, expect, it } from 'vitest';
import { collect, emitAck, nextEvent } from '../../test/support/client.js';
import { listFor, notifyVia, waitFor } from '../../test/support/notifications-kit.js';
import { startTestServer, type TestServer } from '../../test/support/server.js';
import type { Notification } from '../protocol/shapes.js';

/** Sends `count` notifications to `userId` and returns their ids, oldest first. */
async function seed(server: TestServer, userId: string, count: number, prefix = 'n'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await notifyVia(server, { userId, type: 'info', title: `${prefix}${i}`, message: 'm' });
    ids.push(res.body.ids[0]);
  }
  return ids;
}

async function twoDevices(server: TestServer, userId: string) {
  const phone = await server.connect(userId);
  const laptop = await server.connect(userId);
  return { phone: phone.socket, laptop: laptop.socket, token: await server.token(userId) };
}

describe('notification inbox', () => {
  it('marks one read over HTTP and echoes it to every device', async () => {
    const server = await startTestServer();
    const [id] = await seed(server, 'u1', 2);
    const { phone, laptop, token } = await twoDevices(server, 'u1');
    const echoes = [nextEvent(phone, 'notification:updated'), nextEvent(laptop, 'notification:updated')];

    const res = await server.request('POST', `/api/notifications/${id}/read`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, id, read: true });
    expect(await Promise.all(echoes)).toEqual([
      { id, read: true },
      { id, read: true },
    ]);
    const count = await server.request('GET', '/api/notifications/unread-count', { token });
    expect(count.body.count).toBe(1);
  });

  it('marks one read over the socket: ack to the sender, echo to the other device too', async () => {
    const server = await startTestServer();
    const [, id] = await seed(server, 'u2', 2);
    const { phone, laptop } = await twoDevices(server, 'u2');
    const onLaptop = nextEvent(laptop, 'notification:updated');
    const onPhone = nextEvent(phone, 'notification:updated');

    expect(await emitAck(phone, 'notification:read', { notificationId: id })).toEqual({ ok: true, data: { id, read: true } });
    expect(await onLaptop).toEqual({ id, read: true });
    expect(await onPhone).toEqual({ id, read: true });
    const list = await listFor(server, 'u2');
    expect(list.body.notifications.map((n: Notification) => [n.id, n.read])).toEqual([
      [id, true],
      [expect.any(String), false],
    ]);
  });

  it('read-all over HTTP echoes { id, read: true } for each notification it changed', async () => {
    const server = await startTestServer();
    const ids = await seed(server, 'u3', 4);
    const { phone, laptop, token } = await twoDevices(server, 'u3');
    await server.request('POST', `/api/notifications/${ids[0]}/read`, { token });
    // That read was echoed before the HTTP answer; a ping round trip on each socket
    // lets it arrive before the collectors below start counting.
    await Promise.all([emitAck(phone, 'ping'), emitAck(laptop, 'ping')]);
    const phoneEchoes = collect<{ id: string; read: boolean }>(phone, 'notification:updated');
    const laptopEchoes = collect<{ id: string; read: boolean }>(laptop, 'notification:updated');

    const res = await server.request('POST', '/api/notifications/read-all', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, count: 3 });
    await waitFor(() => phoneEchoes.length >= 3 && laptopEchoes.length >= 3);
    const expected = ids.slice(1).map((id) => ({ id, read: true }));
    expect(phoneEchoes).toEqual(expected);
    expect(laptopEchoes).toEqual(expected);
    expect((await server.request('GET', '/api/notifications/unread-count', { token })).body.count).toBe(0);
  });

  it('read-all over the socket ({ all: true })', async () => {
    const server = await startTestServer();
    const ids = await seed(server, 'u4', 3);
    const { phone, laptop, token } = await twoDevices(server, 'u4');
    const laptopEchoes = collect<{ id: string }>(laptop, 'notification:updated');

    expect(await emitAck(phone, 'notification:read', { all: true })).toEqual({ ok: true, data: { count: 3 } });
    await waitFor(() => laptopEchoes.length === 3);
    expect(laptopEchoes.map((e) => e.id)).toEqual(ids);
    const unread = await server.request('GET', '/api/notifications?unread=true', { token });
    expect(unread.body.notifications).toEqual([]);
  });

  it('deletes over HTTP and over the socket, echoing notification:deleted; a second delete is NOT_FOUND', async () => {
    const server = await startTestServer();
    const [first, second] = await seed(server, 'u5', 2);
    const { phone, laptop, token } = await twoDevices(server, 'u5');

    const viaHttp = [nextEvent(phone, 'notification:deleted'), nextEvent(laptop, 'notification:deleted')];
    const res = await server.request('DELETE', `/api/notifications/${first}`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, id: first });
    expect(await Promise.all(viaHttp)).toEqual([{ id: first }, { id: first }]);

    const viaSocket = nextEvent(laptop, 'notification:deleted');
    expect(await emitAck(phone, 'notification:delete', { notificationId: second })).toEqual({ ok: true, data: { id: second } });
    expect(await viaSocket).toEqual({ id: second });

    expect((await listFor(server, 'u5')).body.notifications).toEqual([]);
    const again = await server.request('DELETE', `/api/notifications/${first}`, { token });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await emitAck(phone, 'notification:delete', { notificationId: second })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('refuses malformed socket payloads and requests without a token', async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('u6');
    const bad = await emitAck(socket, 'notification:read', { notificationId: 5 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await emitAck(socket, 'notification:read', { all: false })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await emitAck(socket, 'notification:delete', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    // Without a callback the failure arrives as an `error` event.
    const error = nextEvent<{ code: string; event: string }>(socket, 'error');
    socket.emit('notification:delete', { nope: true } as never);
    expect(await error).toMatchObject({ code: 'VALIDATION_FAILED', event: 'notification:delete' });

    for (const [method, path] of [
      ['GET', '/api/notifications'],
      ['GET', '/api/notifications/unread-count'],
      ['POST', '/api/notifications/read-all'],
    ] as const) {
      const res = await server.request(method, path);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_REQUIRED');
    }
    const badLimit = await server.request('GET', '/api/notifications?limit=0', { token: await server.token('u6') });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toContain('limit');
  });

  it('paginates newest first with an id cursor that stays stable while new notifications arrive', async () => {
    const server = await startTestServer();
    const ids = await seed(server, 'pager', 25);
    const newestFirst = [...ids].reverse();
    const token = await server.token('pager');

    const page1 = await server.request('GET', '/api/notifications?limit=10', { token });
    expect(page1.body.notifications.map((n: Notification) => n.id)).toEqual(newestFirst.slice(0, 10));
    expect(page1.body.nextCursor).toBe(newestFirst[9]);

    // New ones arrive between pages: they must not shift what the cursor points at.
    const fresh = await seed(server, 'pager', 5, 'new');

    const page2 = await server.request('GET', `/api/notifications?limit=10&before=${page1.body.nextCursor}`, { token });
    expect(page2.body.notifications.map((n: Notification) => n.id)).toEqual(newestFirst.slice(10, 20));
    const page3 = await server.request('GET', `/api/notifications?limit=10&before=${page2.body.nextCursor}`, { token });
    expect(page3.body.notifications.map((n: Notification) => n.id)).toEqual(newestFirst.slice(20));
    expect(page3.body.nextCursor).toBeNull();

    // The newest page now starts with the fresh ones.
    const top = await server.request('GET', '/api/notifications?limit=5', { token });
    expect(top.body.notifications.map((n: Notification) => n.id)).toEqual([...fresh].reverse());
  });

  it('filters unread with unread=true', async () => {
    const server = await startTestServer();
    const ids = await seed(server, 'filter', 4);
    const token = await server.token('filter');
    await server.request('POST', `/api/notifications/${ids[1]}/read`, { token });
    await server.request('POST', `/api/notifications/${ids[3]}/read`, { token });
    const unread = await server.request('GET', '/api/notifications?unread=true', { token });
    expect(unread.body.notifications.map((n: Notification) => n.id)).toEqual([ids[2], ids[0]]);
    const all = await server.request('GET', '/api/notifications?unread=false', { token });
    expect(all.body.notifications).toHaveLength(4);
  });
});
