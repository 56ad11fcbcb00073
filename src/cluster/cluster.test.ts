/**
 * Two (or three) real nodes on one Redis: emits, presence, rate limits, session
 * revocation and readiness work across nodes; real servers, real socket.io-client.
 */
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { emitAck, nextEvent } from '../../test/support/client.js';
import { redisProxy, testCluster, waitUntil } from '../../test/support/cluster.js';
import { startTestServer, TEST_SECRET } from '../../test/support/server.js';
import { postgresUnavailable, REDIS_URL, redisTestPrefix, redisUnavailable } from '../../test/support/services.js';
import { createSwitchboard } from '../switchboard.js';

const redisReason = (await redisUnavailable()) ?? (await postgresUnavailable());

const hello = { title: 'Hi', message: 'from node B', from: 'test', timestamp: new Date().toISOString() };

describe.skipIf(redisReason !== undefined).each(['pubsub', 'streams'] as const)(
  'several nodes on Redis (%s adapter) and PostgreSQL',
  (adapter) => {
    it('emitToUser and broadcast sent on node B reach clients on node A', async () => {
      const cluster = testCluster({ adapter });
      const a = await cluster.node();
      const b = await cluster.node();
      const { socket: onA } = await a.connect('alice');
      const { socket: otherOnB } = await b.connect('bob');

      const toAlice = nextEvent(onA, 'broadcast');
      b.switchboard.emitToUser('alice', 'broadcast', hello);
      expect(await toAlice).toEqual(hello);

      const everywhere = [nextEvent<any>(onA, 'broadcast'), nextEvent<any>(otherOnB, 'broadcast')];
      const sent = await b.request('POST', '/api/broadcast', { apiKey: true, body: { title: 'All', message: 'hands' } });
      expect(sent.status).toBeLessThan(300);
      for (const payload of await Promise.all(everywhere)) expect(payload).toMatchObject({ title: 'All', message: 'hands' });
    });

    it('one user on two nodes: both sockets seen from either node, online until the last leaves', async () => {
      const cluster = testCluster({ adapter });
      const a = await cluster.node();
      const b = await cluster.node();
      const { socket: phone, connected: onA } = await a.connect('carol');
      const { socket: laptop, connected: onB } = await b.connect('carol');

      for (const node of [a, b]) {
        expect((await node.switchboard.getUserSockets('carol')).sort()).toEqual([onA.socketId, onB.socketId].sort());
        expect(await node.switchboard.isUserOnline('carol')).toBe(true);
        expect(await node.switchboard.getOnlineUsers()).toEqual(['carol']);
      }

      phone.disconnect();
      await waitUntil(async () => (await b.switchboard.getUserSockets('carol')).length === 1, 'node B sees one socket left');
      expect(await b.switchboard.isUserOnline('carol')).toBe(true);
      expect(await a.switchboard.getUserSockets('carol')).toEqual([onB.socketId]);

      laptop.disconnect();
      await waitUntil(async () => !(await a.switchboard.isUserOnline('carol')), 'node A sees carol offline');
      const presence = await a.request('GET', '/api/presence?userIds=carol', { apiKey: true });
      expect(presence.body.presence.carol).toMatchObject({ online: false, devices: 0, lastSeen: expect.any(String) });
    });

    it('presence, status and stats agree across nodes', async () => {
      const cluster = testCluster({ adapter });
      const a = await cluster.node();
      const b = await cluster.node();
      await a.connect('dave');
      await b.connect('dave');
      await b.connect('erin');

      for (const node of [a, b]) {
        const presence = await node.request('GET', '/api/presence?userIds=dave,erin,frank', { apiKey: true });
        expect(presence.body.presence).toEqual({
          dave: { status: 'online', online: true, lastSeen: null, devices: 2 },
          erin: { status: 'online', online: true, lastSeen: null, devices: 1 },
          frank: { status: 'offline', online: false, lastSeen: null, devices: 0 },
        });
        const status = await node.request('GET', '/api/status');
        expect(status.body.socketio).toMatchObject({ connectedUsers: 2, totalConnections: 3 });
        const stats = await node.request('GET', '/api/stats', { apiKey: true });
        expect(stats.body).toMatchObject({ connections: 3, users: 2, nodes: 2 });
        expect(stats.body.rooms.list).toEqual([
          { room: 'user:dave', members: 2 },
          { room: 'user:erin', members: 1 },
        ]);
        const rooms = await node.request('GET', '/api/rooms', { apiKey: true });
        expect(rooms.body).toMatchObject({ count: 2, rooms: stats.body.rooms.list });
      }
    });

    it('a rate limit is shared: events spread over two nodes still hit RATE_LIMITED', async () => {
      const cluster = testCluster({ adapter });
      const config = { rateLimits: { default: { points: 3, perSeconds: 60 } } };
      const a = await cluster.node(config);
      const b = await cluster.node(config);
      const { socket: onA } = await a.connect('gina');
      const { socket: onB } = await b.connect('gina');

      expect(await emitAck(onA, 'echo', 1)).toMatchObject({ ok: true });
      expect(await emitAck(onB, 'echo', 2)).toMatchObject({ ok: true });
      expect(await emitAck(onA, 'echo', 3)).toMatchObject({ ok: true });
      expect(await emitAck(onB, 'echo', 4)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      expect(await emitAck(onA, 'echo', 5)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      // Another user has a budget of their own.
      const { socket: other } = await b.connect('hank');
      expect(await emitAck(other, 'echo', 1)).toMatchObject({ ok: true });
    });

    it('revoking a guest session on node A disconnects its socket on node B', async () => {
      const cluster = testCluster({ adapter });
      const a = await cluster.node();
      const b = await cluster.node();
      const { body } = await a.request('POST', '/api/sessions');
      const { socket } = await b.connect('ignored', { token: body.token });
      const error = nextEvent<any>(socket, 'error');
      const gone = new Promise((resolve) => socket.once('disconnect', resolve));

      const revoked = await a.request('DELETE', '/api/sessions/current', { token: body.token });
      expect(revoked).toMatchObject({ status: 200, body: { ok: true } });
      expect(await error).toMatchObject({ code: 'AUTH_INVALID' });
      expect(await gone).toBe('io server disconnect');
    });

    it('/ready checks Redis: 200 while it answers, 503 UNAVAILABLE once it is unreachable', async () => {
      const cluster = testCluster({ adapter });
      const proxy = await redisProxy();
      const node = await cluster.node({ redis: { url: proxy.url } });
      const ready = await node.request('GET', '/ready');
      expect(ready).toMatchObject({ status: 200, body: { ok: true, checks: { store: { ok: true }, adapter: { ok: true } } } });

      await proxy.cut();
      const down = await node.request('GET', '/ready');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ok: false, checks: { adapter: { ok: false } }, error: { code: 'UNAVAILABLE' } });
    });

    it('start-up fails clearly when Redis is unreachable', async () => {
      await expect(startTestServer({ config: { redis: { url: 'redis://127.0.0.1:1' } }, manualStop: true })).rejects.toThrow(
        /Redis unreachable at redis:\/\/127\.0\.0\.1:1/,
      );
    });

    it(`${adapter === 'pubsub' ? 'warns' : 'does not warn'} at start that connection-state recovery does not work with the adapter`, async () => {
      const lines: Array<{ level: number; msg: string }> = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      });
      const sb = await createSwitchboard({
        server: createServer(),
        logger: pino({ level: 'warn' }, sink),
        config: {
          auth: { jwtSecret: TEST_SECRET },
          database: { url: 'sqlite::memory:' },
          redis: { url: REDIS_URL, keyPrefix: redisTestPrefix().prefix, adapter },
          socket: { recoveryWindowMs: 60_000 },
        },
      });
      await sb.close();
      const warning = expect.objectContaining({ level: 40, msg: expect.stringMatching(/connection-state recovery/) });
      // The streams adapter keeps sessions in Redis, so recovery works on any node there.
      if (adapter === 'pubsub') expect(lines).toContainEqual(warning);
      else expect(lines).not.toContainEqual(warning);
    });
  },
);
