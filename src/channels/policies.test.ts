/** Every policy allowing and refusing, built-in channels, and membership through the server API. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { addMember, CHANNELS_TEST_CONFIG, errorCode, subscribe, subscribeOk, withChannels } from '../../test/support/channels.js';
import { onCleanup } from '../../test/support/cleanup.js';
import { emitAck, expectNoEvent, nextEventArgs } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';

describe('built-in channels', () => {
  it("allows a user's own user: channel and refuses another user's", async () => {
    const server = await startTestServer();
    const { socket } = await server.connect('u1');
    expect(await subscribeOk(socket, 'user:u1')).toEqual({ channel: 'user:u1', offset: 0, recovered: false, missed: [] });
    expect(errorCode(await subscribe(socket, 'user:u2'))).toBe('FORBIDDEN');
    expect(errorCode(await emitAck(socket, 'unsubscribe', 'user:u1'))).toBe('FORBIDDEN');
  });

  it('lets admin and monitor into kafka-events, not a plain user; notifications is for everyone', async () => {
    const server = await startTestServer();
    const admin = await server.connect('a', { roles: ['admin'] });
    const monitor = await server.connect('m', { roles: ['monitor'] });
    const plain = await server.connect('p');
    await subscribeOk(admin.socket, 'kafka-events');
    await subscribeOk(monitor.socket, { channel: 'kafka-events' });
    expect(errorCode(await subscribe(plain.socket, 'kafka-events'))).toBe('FORBIDDEN');
    await subscribeOk(plain.socket, 'notifications');
  });

  it('refuses an undeclared namespace (NOT_FOUND) and malformed payloads (VALIDATION_FAILED)', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const { socket } = await server.connect('u1');
    expect(errorCode(await subscribe(socket, 'nope:1'))).toBe('NOT_FOUND');
    expect(errorCode(await subscribe(socket, 'bare-name'))).toBe('NOT_FOUND');
    expect(errorCode(await subscribe(socket, 'news:'))).toBe('NOT_FOUND');
    for (const bad of [
      42,
      '',
      'has space',
      'a/b',
      { channel: 'news:1', since: -1 },
      { channel: 'news:1', since: 1.5 },
      { channel: 'news:1', x: 1 },
      null,
    ]) {
      expect(errorCode(await subscribe(socket, bad))).toBe('VALIDATION_FAILED');
    }
    expect(errorCode(await emitAck(socket, 'unsubscribe', { channel: 7 }))).toBe('VALIDATION_FAILED');
  });
});

describe('policies public and roles', () => {
  it('public lets anyone in; roles only the listed roles', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const user = await server.connect('u1');
    const admin = await server.connect('a', { roles: ['admin'] });
    await subscribeOk(user.socket, 'news:1');
    expect(errorCode(await subscribe(user.socket, 'ops:1'))).toBe('FORBIDDEN');
    await subscribeOk(admin.socket, 'ops:1');
  });
});

describe('policy members', () => {
  it('allows members added through the API and refuses others', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const { socket } = await server.connect('u1');
    expect(errorCode(await subscribe(socket, 'trip:1'))).toBe('FORBIDDEN');

    const put = await server.request('PUT', '/api/channels/trip:1/members/u1', { apiKey: true });
    expect(put).toEqual({ status: 201, body: { ok: true, channel: 'trip:1', userId: 'u1', added: true } });
    const again = await server.request('PUT', '/api/channels/trip:1/members/u1', { apiKey: true });
    expect(again).toEqual({ status: 200, body: { ok: true, channel: 'trip:1', userId: 'u1', added: false } });
    await subscribeOk(socket, 'trip:1');
    expect(errorCode(await subscribe(socket, 'trip:2'))).toBe('FORBIDDEN');
  });

  it('removal through the API takes the member out of the room on every device', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    await addMember(server, 'trip:1', 'u1');
    await addMember(server, 'trip:1', 'u2');
    const phone = await server.connect('u1');
    const laptop = await server.connect('u1');
    const other = await server.connect('u2');
    for (const s of [phone.socket, laptop.socket, other.socket]) await subscribeOk(s, 'trip:1');

    const left = nextEventArgs(other.socket, 'user:left');
    const del = await server.request('DELETE', '/api/channels/trip:1/members/u1', { apiKey: true });
    expect(del).toEqual({ status: 200, body: { ok: true, channel: 'trip:1', userId: 'u1', removed: true } });
    expect((await left)[0]).toEqual({ channel: 'trip:1', userId: 'u1' });

    const received = nextEventArgs(other.socket, 'trip:updated');
    await server.request('POST', '/api/publish', { apiKey: true, body: { channel: 'trip:1', event: 'trip:updated', data: { n: 1 } } });
    expect((await received)[0]).toEqual({ n: 1 });
    await Promise.all([expectNoEvent(phone.socket, 'trip:updated'), expectNoEvent(laptop.socket, 'trip:updated')]);
    expect(errorCode(await subscribe(phone.socket, 'trip:1'))).toBe('FORBIDDEN');
  });

  it('membership routes need the server key, a declared members namespace and valid names', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const token = await server.token('u1');
    expect((await server.request('PUT', '/api/channels/trip:1/members/u1', { token })).status).toBe(403);
    expect((await server.request('PUT', '/api/channels/trip:1/members/u1')).status).toBe(401);
    expect((await server.request('PUT', '/api/channels/nope:1/members/u1', { apiKey: true })).body.error.code).toBe('NOT_FOUND');
    expect((await server.request('PUT', '/api/channels/news:1/members/u1', { apiKey: true })).body.error.code).toBe('VALIDATION_FAILED');
    const removed = await server.request('DELETE', '/api/channels/trip:1/members/ghost', { apiKey: true });
    expect(removed).toEqual({ status: 200, body: { ok: true, channel: 'trip:1', userId: 'ghost', removed: false } });
  });
});

describe('policy token', () => {
  it('accepts a channel token for this user and channel; refuses expired, other channel, other user, bad and missing', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const { socket } = await server.connect('u1');
    const valid = await server.token('u1', { claims: { channel: 'board:7' } });
    await subscribeOk(socket, { channel: 'board:7', token: valid });

    const expired = await server.token('u1', { claims: { channel: 'board:8' }, ttl: -60 });
    expect(errorCode(await subscribe(socket, { channel: 'board:8', token: expired }))).toBe('AUTH_EXPIRED');
    const otherChannel = await server.token('u1', { claims: { channel: 'board:7' } });
    expect(errorCode(await subscribe(socket, { channel: 'board:9', token: otherChannel }))).toBe('FORBIDDEN');
    const otherUser = await server.token('u2', { claims: { channel: 'board:9' } });
    expect(errorCode(await subscribe(socket, { channel: 'board:9', token: otherUser }))).toBe('FORBIDDEN');
    expect(errorCode(await subscribe(socket, { channel: 'board:9', token: `${valid.slice(0, -4)}AAAA` }))).toBe('AUTH_INVALID');
    expect(errorCode(await subscribe(socket, { channel: 'board:9', token: 'not-a-jwt' }))).toBe('AUTH_INVALID');
    expect(errorCode(await subscribe(socket, 'board:9'))).toBe('FORBIDDEN');
  });

  it('lets a socket publish with the token it subscribed with', async () => {
    const server = await startTestServer({ config: CHANNELS_TEST_CONFIG });
    const a = await server.connect('u1');
    const b = await server.connect('u2');
    await subscribeOk(a.socket, { channel: 'board:1', token: await server.token('u1', { claims: { channel: 'board:1' } }) });
    await subscribeOk(b.socket, { channel: 'board:1', token: await server.token('u2', { claims: { channel: 'board:1' } }) });
    const got = nextEventArgs(b.socket, 'board:moved');
    expect(await emitAck(a.socket, 'publish', { channel: 'board:1', event: 'board:moved', data: { x: 1 } })).toEqual({
      ok: true,
      data: { offset: 1 },
    });
    expect((await got)[0]).toEqual({ x: 1 });
    // Without a subscription (and so without a token) publishing is refused.
    const c = await server.connect('u3');
    expect(errorCode(await emitAck(c.socket, 'publish', { channel: 'board:1', event: 'board:moved', data: {} }))).toBe('FORBIDDEN');
  });
});

/** A local app backend answering the webhook; `answer` decides per request. */
async function startBackend(answer: (body: { userId: string; channel: string }) => number | 'hang' | Promise<number>) {
  const calls: Array<{ userId: string; channel: string }> = [];
  const backend: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(raw);
      calls.push(body);
      const status = answer(body);
      if (status === 'hang') return; // never answers: the server's timeout must fire
      void Promise.resolve(status).then((code) => res.writeHead(code, { 'content-type': 'application/json' }).end('{}'));
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        backend.closeAllConnections();
        backend.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(backend.address() as AddressInfo).port}/authorize`, calls };
}

describe('policy webhook', () => {
  it('asks the backend with { userId, channel }: 2xx allows, 403 denies, answers are cached', async () => {
    const backend = await startBackend(({ channel }) => (channel === 'room:open' ? 200 : 403));
    const server = await startTestServer({
      config: withChannels({ room: { policy: 'webhook', webhook: backend.url, webhookCacheSeconds: 60 } }),
    });
    const { socket } = await server.connect('u1');
    await subscribeOk(socket, 'room:open');
    expect(errorCode(await subscribe(socket, 'room:closed'))).toBe('FORBIDDEN');
    expect(backend.calls).toEqual([
      { userId: 'u1', channel: 'room:open' },
      { userId: 'u1', channel: 'room:closed' },
    ]);
    await subscribeOk(socket, 'room:open');
    expect(errorCode(await subscribe(socket, 'room:closed'))).toBe('FORBIDDEN');
    expect(backend.calls).toHaveLength(2);
  });

  it('concurrent subscribes of one user to one channel ask the backend once', async () => {
    let release: (status: number) => void = () => {};
    const answered = new Promise<number>((resolve) => (release = resolve));
    const backend = await startBackend(() => answered);
    const server = await startTestServer({
      config: withChannels({ room: { policy: 'webhook', webhook: backend.url, webhookCacheSeconds: 60 } }),
    });
    const devices = await Promise.all([1, 2, 3, 4, 5].map(() => server.connect('u1')));
    const acks = devices.map(({ socket }) => subscribe(socket, 'room:busy'));
    await vi.waitFor(() => expect(backend.calls).toHaveLength(1));
    release(200);
    for (const ack of await Promise.all(acks)) expect(ack).toMatchObject({ ok: true });
    expect(backend.calls).toEqual([{ userId: 'u1', channel: 'room:busy' }]);
  });

  it('is UNAVAILABLE when the backend times out, fails with 5xx or is down, and does not cache that', async () => {
    let mode: number | 'hang' = 'hang';
    const backend = await startBackend(() => mode);
    const server = await startTestServer({
      config: withChannels({
        room: { policy: 'webhook', webhook: backend.url, webhookTimeoutMs: 200 },
        // A port nothing listens on: connection refused.
        down: { policy: 'webhook', webhook: 'http://127.0.0.1:1/authorize' },
      }),
    });
    const { socket } = await server.connect('u1');
    expect(errorCode(await subscribe(socket, 'room:1'))).toBe('UNAVAILABLE');
    mode = 503;
    expect(errorCode(await subscribe(socket, 'room:1'))).toBe('UNAVAILABLE');
    mode = 204;
    await subscribeOk(socket, 'room:1');
    expect(errorCode(await subscribe(socket, 'down:1'))).toBe('UNAVAILABLE');
  });
});
