/**
 * The Redis presence store against a real Redis: the same contract as the memory
 * store (one suite runs on both), atomic first/last device across nodes, and the
 * heartbeat sweep that drops a crashed node's sockets.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/support/cleanup.js';
import { redisProxy, waitUntil } from '../../test/support/cluster.js';
import { redisTestPrefix, redisUnavailable } from '../../test/support/services.js';
import { createMemoryPresence } from '../presence/memory-presence.js';
import type { PresenceStore } from '../presence/presence-store.js';
import { createRedisPresence, type RedisPresenceOptions } from './redis-presence.js';

const redisReason = await redisUnavailable();
const logger = pino({ level: 'silent' });

/** A started Redis presence for node `nodeId` on the test's prefix, cleared after the test. */
async function redisNode(
  shared: ReturnType<typeof redisTestPrefix>,
  nodeId: string,
  extra: Partial<RedisPresenceOptions> = {},
): Promise<ReturnType<typeof createRedisPresence>> {
  const presence = createRedisPresence({ client: shared.client, keyPrefix: shared.prefix, nodeId, logger, ...extra });
  await presence.heartbeat.start();
  onCleanup(() => presence.heartbeat.stop());
  return presence;
}

function contractSuite(name: string, make: () => Promise<PresenceStore>, skip = false) {
  describe.skipIf(skip)(`PresenceStore contract: ${name}`, () => {
    it('first and last device, sockets, online users and counts', async () => {
      const presence = await make();
      expect(await presence.addSocket('u1', 's1')).toEqual({ firstDevice: true, returned: false });
      expect(await presence.addSocket('u1', 's2')).toEqual({ firstDevice: false, returned: false });
      await presence.addSocket('u2', 's3');
      expect((await presence.getUserSockets('u1')).sort()).toEqual(['s1', 's2']);
      expect(await presence.isOnline('u1')).toBe(true);
      expect((await presence.onlineUsers()).sort()).toEqual(['u1', 'u2']);
      expect(await presence.counts()).toEqual({ users: 2, connections: 3 });

      expect(await presence.removeSocket('u1', 's1')).toMatchObject({ lastDevice: false });
      const last = await presence.removeSocket('u1', 's2');
      expect(last).toEqual({ lastDevice: true, lastSeen: expect.any(Number) });
      expect(await presence.isOnline('u1')).toBe(false);
      expect(await presence.getUserSockets('u1')).toEqual([]);
      expect(await presence.counts()).toEqual({ users: 1, connections: 1 });
    });

    it('get(): chosen status while online, offline with lastSeen after, never-seen users', async () => {
      const presence = await make();
      await presence.addSocket('on', 's1');
      await presence.addSocket('away', 's2');
      await presence.setStatus('away', 'away');
      await presence.addSocket('gone', 's3');
      await presence.removeSocket('gone', 's3');
      const info = await presence.get(['on', 'away', 'gone', 'never']);
      expect(info.on).toEqual({ status: 'online', online: true, lastSeen: null, devices: 1 });
      expect(info.away).toEqual({ status: 'away', online: true, lastSeen: null, devices: 1 });
      expect(info.gone).toEqual({ status: 'offline', online: false, lastSeen: expect.any(String), devices: 0 });
      expect(info.never).toEqual({ status: 'offline', online: false, lastSeen: null, devices: 0 });
      expect(await presence.get([])).toEqual({});

      // A chosen status outlives the connection.
      await presence.removeSocket('away', 's2');
      await presence.addSocket('away', 's4');
      expect((await presence.get(['away'])).away?.status).toBe('away');
    });

    it('departures: the grace is cancelled by a device that comes back, and each ended grace is claimed once', async () => {
      const presence = await make();
      await presence.addSocket('reload', 's1');
      await presence.addSocket('leaves', 's2');
      expect((await presence.removeSocket('reload', 's1')).lastDevice).toBe(true);
      const { lastSeen } = await presence.removeSocket('leaves', 's2');
      // Back within the grace: a first device, but one that returned.
      expect(await presence.addSocket('reload', 's3')).toEqual({ firstDevice: true, returned: true });
      expect(await presence.takeDepartures(Date.now())).toEqual([]); // the grace has not ended
      const later = Date.now() + 60_000;
      expect(await presence.takeDepartures(later)).toEqual([{ userId: 'leaves', lastSeen }]);
      expect(await presence.takeDepartures(later)).toEqual([]); // claimed: nobody gets it twice
      // A user who comes back after the grace is a first device that did not return.
      expect(await presence.addSocket('leaves', 's4')).toEqual({ firstDevice: true, returned: false });
    });

    it('clear() drops what this node recorded', async () => {
      const presence = await make();
      await presence.addSocket('u1', 's1');
      await presence.clear();
      expect(await presence.isOnline('u1')).toBe(false);
      expect(await presence.counts()).toEqual({ users: 0, connections: 0 });
    });
  });
}

contractSuite('memory', async () => createMemoryPresence());
contractSuite('redis', async () => redisNode(redisTestPrefix(), 'node-a'), redisReason !== undefined);

describe.skipIf(redisReason !== undefined)('Redis presence across nodes', () => {
  it('two nodes racing: exactly one firstDevice and exactly one lastDevice per user', async () => {
    const shared = redisTestPrefix();
    const [a, b] = await Promise.all([redisNode(shared, 'node-a'), redisNode(shared, 'node-b')]);
    const users = Array.from({ length: 25 }, (_, i) => `user-${i}`);
    const added = await Promise.all(users.map((u) => Promise.all([a.addSocket(u, `${u}-a`), b.addSocket(u, `${u}-b`)])));
    for (const [fromA, fromB] of added) expect(Number(fromA.firstDevice) + Number(fromB.firstDevice)).toBe(1);
    expect(await a.counts()).toEqual({ users: 25, connections: 50 });
    expect((await b.getUserSockets('user-0')).sort()).toEqual(['user-0-a', 'user-0-b']);

    const removed = await Promise.all(users.map((u) => Promise.all([a.removeSocket(u, `${u}-a`), b.removeSocket(u, `${u}-b`)])));
    for (const [fromA, fromB] of removed) expect(Number(fromA.lastDevice) + Number(fromB.lastDevice)).toBe(1);
    expect(await b.counts()).toEqual({ users: 0, connections: 0 });
    // Removing an unknown socket announces nothing.
    expect(await a.removeSocket('user-0', 'user-0-a')).toMatchObject({ lastDevice: false });
  });

  it('a node that stops its heartbeat without cleanup has its sockets dropped after the timeout', async () => {
    const shared = redisTestPrefix();
    const timing = { heartbeatIntervalMs: 50, nodeTimeoutMs: 300 };
    const live = await redisNode(shared, 'node-live', timing);
    const crashed = await redisNode(shared, 'node-crashed', timing);
    await live.addSocket('both', 'on-live');
    await crashed.addSocket('both', 'on-crashed');
    await crashed.addSocket('only-crashed', 'c1');
    expect(await live.counts()).toEqual({ users: 2, connections: 3 });

    crashed.heartbeat.stop(); // the "crash": no clear(), no more heartbeats

    await waitUntil(async () => !(await live.isOnline('only-crashed')), 'the crashed node is swept');
    expect(await live.getUserSockets('both')).toEqual(['on-live']);
    expect(await live.counts()).toEqual({ users: 1, connections: 1 });
    const info = await live.get(['only-crashed', 'both']);
    expect(info['only-crashed']).toMatchObject({ online: false, lastSeen: expect.any(String) });
    expect(info.both).toMatchObject({ online: true, devices: 1 });
    expect(await shared.client.sismember(`${shared.prefix}presence:nodes`, 'node-crashed')).toBe(0);
  });

  it('a node swept during an outage registers its live sockets again on its next heartbeat', async () => {
    const shared = redisTestPrefix();
    const node = await redisNode(shared, 'node-x', { heartbeatIntervalMs: 50, nodeTimeoutMs: 5000 });
    await node.addSocket('u1', 's1');
    // What another node's sweep does once this node's heartbeat has expired.
    await shared.client.del(`${shared.prefix}presence:alive:node-x`);
    expect(await node.sweep()).toEqual(['node-x']);
    expect(await node.isOnline('u1')).toBe(false);

    await waitUntil(() => node.isOnline('u1'), 'the node registers its sockets again');
    expect(await node.getUserSockets('u1')).toEqual(['s1']);
  });
});

describe.skipIf(redisReason !== undefined)('Redis presence: departures, rebuild and outages', () => {
  it('two nodes claiming at once: each departure goes to exactly one of them', async () => {
    const shared = redisTestPrefix();
    const [a, b] = await Promise.all([redisNode(shared, 'node-a'), redisNode(shared, 'node-b')]);
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    for (const u of users) await a.addSocket(u, `${u}-s`);
    for (const u of users) await a.removeSocket(u, `${u}-s`);
    const later = Date.now() + 60_000;
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).takeDepartures(later)));
    const claimed = claims.flat().map((d) => d.userId);
    expect(claimed.sort()).toEqual([...users].sort());
  });

  it('the sweep of a dead node starts its users’ departures at once; a user with another device does not depart', async () => {
    const shared = redisTestPrefix();
    const timing = { heartbeatIntervalMs: 50, nodeTimeoutMs: 300 };
    const live = await redisNode(shared, 'node-live', timing);
    const dead = await redisNode(shared, 'node-dead', timing);
    await dead.addSocket('gone', 'g1');
    await dead.addSocket('stays', 'x1');
    await live.addSocket('stays', 'x2');
    dead.heartbeat.stop();
    await waitUntil(async () => (await live.takeDepartures()).some((d) => d.userId === 'gone'), 'the dead node’s user departs');
    expect(await live.takeDepartures(Date.now() + 60_000)).toEqual([]);
    expect(await live.isOnline('stays')).toBe(true);
  });

  it('rebuild() makes Redis hold exactly the node’s live sockets: lost ones come back, stale ones depart', async () => {
    const shared = redisTestPrefix();
    const node = await redisNode(shared, 'node-r');
    await node.addSocket('u1', 's1');
    await node.addSocket('u2', 's2');
    // A restarted Redis without persistence: every key is gone.
    for (const key of await shared.client.keys(`${shared.prefix}*`)) await shared.client.del(key);
    // A disconnect whose removal never reached Redis (it failed during the outage).
    await shared.client.hset(`${shared.prefix}presence:node-sockets:node-r`, 'stale', 'u3');
    await shared.client.hset(`${shared.prefix}presence:user-sockets:u3`, 'stale', 'node-r');
    expect(await node.rebuild()).toBe(3);
    expect(await node.counts()).toEqual({ users: 2, connections: 2 });
    expect((await node.onlineUsers()).sort()).toEqual(['u1', 'u2']);
    expect((await node.takeDepartures(Date.now() + 60_000)).map((d) => d.userId)).toEqual(['u3']);
    expect(await node.rebuild()).toBe(0);
  });

  it('with Redis unreachable every call is UNAVAILABLE, never INTERNAL', async () => {
    const proxy = await redisProxy();
    const client = new Redis(proxy.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => {});
    onCleanup(() => client.disconnect());
    const presence = createRedisPresence({ client, keyPrefix: redisTestPrefix().prefix, nodeId: 'n', logger });
    await presence.addSocket('u1', 's1');
    await proxy.cut();
    for (const call of [
      () => presence.get(['u1']),
      () => presence.addSocket('u1', 's2'),
      () => presence.removeSocket('u1', 's1'),
      () => presence.counts(),
      () => presence.takeDepartures(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    }
  });
});
