/** Publishing from the server API, the programmatic API and clients; join/leave notices; the disconnect route. */
import { describe, expect, it } from 'vitest';
import { addMember, apiPublish, CHANNELS_TEST_CONFIG, errorCode, subscribeOk } from '../../test/support/channels.js';
import { emitAck, expectNoEvent, nextEvent, nextEventArgs } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('POST /api/publish', () => {
  it('reaches the subscribers of the channel with (data, { channel, offset, timestamp }) and nobody else', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const a = await server.connect('a');
    const b = await server.connect('b');
    const outsider = await server.connect('c');
    await subscribeOk(a.socket, 'news:1');
    await subscribeOk(b.socket, 'news:1');
    await subscribeOk(outsider.socket, 'news:2');

    const gotA = nextEventArgs(a.socket, 'news:posted');
    const gotB = nextEventArgs(b.socket, 'news:posted');
    const body = await apiPublish(server, 'news:1', 'news:posted', { title: 'Hello' });
    expect(body).toEqual({ ok: true, channel: 'news:1', offset: 1, timestamp: expect.any(String) });
    for (const args of [await gotA, await gotB]) {
      expect(args.slice(0, 2)).toEqual([{ title: 'Hello' }, { channel: 'news:1', offset: 1, timestamp: body.timestamp }]);
    }
    await expectNoEvent(outsider.socket, 'news:posted');
  });

  it('publishes on channels without history with offset null (meta offset 0), and on user: channels', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const a = await server.connect('a');
    await subscribeOk(a.socket, 'live:1');
    const got = nextEventArgs(a.socket, 'score');
    expect((await apiPublish(server, 'live:1', 'score', 3)).offset).toBeNull();
    expect((await got).slice(0, 2)).toEqual([3, { channel: 'live:1', offset: 0, timestamp: expect.any(String) }]);

    const phone = await server.connect('u9');
    const laptop = await server.connect('u9');
    const both = [nextEvent(phone.socket, 'reminder'), nextEvent(laptop.socket, 'reminder')];
    await apiPublish(server, 'user:u9', 'reminder', { at: 'noon' });
    expect(await Promise.all(both)).toEqual([{ at: 'noon' }, { at: 'noon' }]);
    await expectNoEvent(a.socket, 'reminder');
  });

  it('is the same dispatcher as the programmatic publish()', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const a = await server.connect('a');
    await subscribeOk(a.socket, 'news:1');
    const got = nextEvent(a.socket, 'news:posted');
    expect(await server.switchboard.publish('news:1', 'news:posted', { via: 'library' })).toMatchObject({ offset: 1 });
    expect(await got).toEqual({ via: 'library' });
    expect((await apiPublish(server, 'news:1', 'news:posted', {})).offset).toBe(2);
  });

  it('needs the server key or an admin token and refuses bad bodies and unknown channels', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const body = { channel: 'news:1', event: 'x', data: {} };
    expect((await server.request('POST', '/api/publish', { body })).status).toBe(401);
    expect((await server.request('POST', '/api/publish', { body, token: await server.token('u1') })).status).toBe(403);
    expect((await server.request('POST', '/api/publish', { body, token: await server.token('boss', { roles: ['admin'] }) })).status).toBe(
      200,
    );
    const refused = async (b: unknown) => (await server.request('POST', '/api/publish', { apiKey: true, body: b })).body.error.code;
    expect(await refused({ channel: 'nope:1', event: 'x' })).toBe('NOT_FOUND');
    expect(await refused({ channel: 'news:1', event: 'connect' })).toBe('VALIDATION_FAILED');
    expect(await refused({ channel: 'news:1', event: 'disconnect' })).toBe('VALIDATION_FAILED');
    expect(await refused({ channel: 'news:1' })).toBe('VALIDATION_FAILED');
    expect(await refused({ channel: 'bad channel', event: 'x' })).toBe('VALIDATION_FAILED');
    const malformed = await server.request('POST', '/api/publish', { apiKey: true, rawBody: '{"channel":' });
    expect(malformed.status).toBe(400);
    // The server may use names of server events (the Kafka bridge sends kafka-event on kafka-events).
    expect((await apiPublish(server, 'kafka-events', 'kafka-event', { topic: 't' })).offset).toBeNull();
  });
});

describe('client publish', () => {
  it('reaches the other members (other devices of the sender too) but not the sending socket', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const sender = await server.connect('u1');
    const senderLaptop = await server.connect('u1');
    const other = await server.connect('u2');
    for (const s of [sender.socket, senderLaptop.socket, other.socket]) await subscribeOk(s, 'chat:1');
    const gotOther = nextEventArgs(other.socket, 'chat:said');
    const gotLaptop = nextEventArgs(senderLaptop.socket, 'chat:said');
    const ack = await emitAck(sender.socket, 'publish', { channel: 'chat:1', event: 'chat:said', data: { text: 'hi' } });
    expect(ack).toEqual({ ok: true, data: { offset: null } });
    expect((await gotOther)[0]).toEqual({ text: 'hi' });
    expect((await gotLaptop)[0]).toEqual({ text: 'hi' });
    await expectNoEvent(sender.socket, 'chat:said');
  });

  it('is refused where clientPublish is off, for non-members, on built-ins, and for reserved or server event names', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    await addMember(server, 'trip:1', 'u1');
    const { socket } = await server.connect('u1');
    const publish = async (channel: string, event: string) => errorCode(await emitAck(socket, 'publish', { channel, event, data: {} }));
    expect(await publish('news:1', 'x')).toBe('FORBIDDEN');
    expect(await publish('trip:2', 'x')).toBe('FORBIDDEN');
    expect(await publish('user:u1', 'x')).toBe('FORBIDDEN');
    expect(await publish('notifications', 'x')).toBe('FORBIDDEN');
    expect(await publish('nope:1', 'x')).toBe('NOT_FOUND');
    for (const reserved of ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']) {
      expect(await publish('trip:1', reserved)).toBe('VALIDATION_FAILED');
    }
    for (const spoof of ['notification', 'message:new', 'error', 'broadcast', 'user:joined', 'connected', 'auth:expiring']) {
      expect(await publish('trip:1', spoof)).toBe('VALIDATION_FAILED');
    }
    expect(errorCode(await emitAck(socket, 'publish', { channel: 'trip:1', data: {} }))).toBe('VALIDATION_FAILED');
    expect(errorCode(await emitAck(socket, 'publish', 'trip:1'))).toBe('VALIDATION_FAILED');
    expect(await emitAck(socket, 'publish', { channel: 'trip:1', event: 'trip:updated', data: {} })).toEqual({
      ok: true,
      data: { offset: 1 },
    });
  });
});

describe('joinLeave', () => {
  it('tells the other subscribers when a member subscribes, unsubscribes and disconnects', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    for (const u of ['u1', 'u2', 'u3']) await addMember(server, 'trip:1', u);
    const a = await server.connect('u1');
    await subscribeOk(a.socket, 'trip:1');
    const b = await server.connect('u2');

    const joined = nextEvent(a.socket, 'user:joined');
    await subscribeOk(b.socket, 'trip:1');
    expect(await joined).toEqual({ channel: 'trip:1', userId: 'u2' });
    // A second subscribe of the same socket is not a new arrival.
    await subscribeOk(b.socket, 'trip:1');
    await expectNoEvent(a.socket, 'user:joined');

    const left = nextEvent(a.socket, 'user:left');
    expect(await emitAck(b.socket, 'unsubscribe', { channel: 'trip:1' })).toEqual({ ok: true, data: { channel: 'trip:1' } });
    expect(await left).toEqual({ channel: 'trip:1', userId: 'u2' });

    const c = await server.connect('u3');
    await subscribeOk(c.socket, 'trip:1');
    const gone = nextEvent(a.socket, 'user:left');
    c.socket.disconnect();
    expect(await gone).toEqual({ channel: 'trip:1', userId: 'u3' });
  });

  it('stays quiet on namespaces without joinLeave', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const a = await server.connect('u1');
    await subscribeOk(a.socket, 'news:1');
    const b = await server.connect('u2');
    await subscribeOk(b.socket, 'news:1');
    await expectNoEvent(a.socket, 'user:joined');
  });
});

describe('server API around channels', () => {
  it('POST /api/broadcast reaches everyone', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const a = await server.connect('a');
    const b = await server.connect('b');
    const got = [nextEvent(a.socket, 'broadcast'), nextEvent(b.socket, 'broadcast')];
    const res = await server.request('POST', '/api/broadcast', { apiKey: true, body: { title: 'Hi', message: 'all' } });
    expect(res.status).toBe(200);
    for (const payload of await Promise.all(got)) expect(payload).toMatchObject({ title: 'Hi', message: 'all', from: 'system' });
  });

  it("POST /api/users/{id}/disconnect ends every connection of that user and nobody else's", async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const phone = await server.connect('u1');
    const laptop = await server.connect('u1');
    const other = await server.connect('u2');
    const reasons = [nextEvent(phone.socket, 'disconnect'), nextEvent(laptop.socket, 'disconnect')];
    expect((await server.request('POST', '/api/users/u1/disconnect', { token: await server.token('u1') })).status).toBe(403);
    const res = await server.request('POST', '/api/users/u1/disconnect', { apiKey: true });
    expect(res).toEqual({ status: 200, body: { ok: true, userId: 'u1', disconnected: 2 } });
    expect(await Promise.all(reasons)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(other.socket.connected).toBe(true);
  });

  it('channels appear in GET /api/rooms and /api/stats with member counts', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const a = await server.connect('a');
    const b = await server.connect('b');
    await subscribeOk(a.socket, 'news:1');
    await subscribeOk(b.socket, 'news:1');
    await subscribeOk(b.socket, 'live:2');
    const rooms = await server.request('GET', '/api/rooms', { apiKey: true });
    expect(rooms.body.rooms).toEqual(
      expect.arrayContaining([
        { room: 'news:1', members: 2 },
        { room: 'live:2', members: 1 },
      ]),
    );
    const stats = await server.request('GET', '/api/stats', { apiKey: true });
    expect(stats.body.rooms.list).toEqual(expect.arrayContaining([{ room: 'news:1', members: 2 }]));
    await emitAck(a.socket, 'unsubscribe', 'news:1');
    const after = await server.request('GET', '/api/rooms', { apiKey: true });
    expect(after.body.rooms).toEqual(expect.arrayContaining([{ room: 'news:1', members: 1 }]));
  });
});
