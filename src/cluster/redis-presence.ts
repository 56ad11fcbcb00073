/**
 * Presence for several nodes, in Redis (STYLE.md #5: same PresenceStore contract as
 * memory-presence.ts). Every change is one Lua script (redis-presence-scripts.ts), so
 * the check and the write are atomic: of two nodes adding the first two devices of a
 * user at the same time, exactly one gets `firstDevice`, and of two removing the last
 * two, exactly one gets `lastDevice`; a departure is claimed by exactly one node.
 *
 * Keys (under `<keyPrefix>presence:`):
 *   user-sockets:<userId>   hash socketId → nodeId   (a user's devices, cluster-wide)
 *   node-sockets:<nodeId>   hash socketId → userId   (what a node must drop when it dies)
 *   online                  set of userIds with at least one socket
 *   nodes                   set of nodeIds that may hold sockets
 *   alive:<nodeId>          heartbeat, expires after `nodeTimeoutMs`
 *   departing               sorted set userId → end of its offline grace (epoch ms)
 *   status:<userId>         status chosen with user:status (kept `memoryTtlSeconds`)
 *   last-seen:<userId>      epoch ms of the last disconnect (kept `memoryTtlSeconds`)
 *
 * A node refreshes its heartbeat every `heartbeatIntervalMs` and sweeps: any node in
 * `nodes` whose heartbeat expired (it crashed without cleanup) has its sockets
 * dropped, in one script, so two sweepers never drop the same node twice.
 *
 * Redis is not the only copy of this node's sockets: the node keeps its own (`local`)
 * and makes Redis match it again (`rebuild`) whenever they may differ: its heartbeat
 * had expired (other nodes swept it), a presence write failed, or the connection to
 * Redis came back (a restarted Redis without persistence has lost every key). So
 * presence heals by itself after an outage, and live emits reach devices again.
 *
 * Every failure reaches callers as UNAVAILABLE (503), never as INTERNAL.
 */
import type { Redis } from 'ioredis';
import { orUnavailable } from '../core/errors.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Departure, PresenceStore } from '../presence/presence-store.js';
import type { PresenceInfo, UserStatus } from '../protocol/shapes.js';
import { ADD, CLEAR, COUNTS, HEARTBEAT, REMOVE, SWEEP, TAKE_DEPARTURES } from './redis-presence-scripts.js';

export interface RedisPresenceOptions {
  client: Redis;
  /** Prefix of every key (`redis.keyPrefix`); `presence:` is appended. */
  keyPrefix: string;
  nodeId: string;
  logger: Logger;
  /** @default 5000 */
  heartbeatIntervalMs?: number;
  /** @default 20000 */
  nodeTimeoutMs?: number;
  /** How long a departure waits for the user to come back (`presence.offlineGraceMs`); @default 5000 */
  offlineGraceMs?: number;
  /** How long a chosen status and a lastSeen are kept. @default 30 days */
  memoryTtlSeconds?: number;
}

export interface RedisPresence extends PresenceStore {
  /** Heartbeat, sweeper and rebuild; `stop()` ends the heartbeat without dropping anything. */
  readonly heartbeat: Service;
  /** Drops the sockets of nodes whose heartbeat expired; returns their ids. */
  sweep(): Promise<string[]>;
  /** Makes Redis hold exactly this node's live sockets; returns how many entries it fixed. */
  rebuild(): Promise<number>;
}

type Script = (...args: Array<string | number>) => Promise<unknown>;

/** Registers a script (EVALSHA with a fallback to EVAL, as ioredis does). */
function defineScript(client: Redis, name: string, lua: string): Script {
  client.defineCommand(name, { numberOfKeys: 0, lua });
  const commands = client as unknown as Record<string, Script>;
  return (...args) => (commands[name] as Script).call(client, ...args);
}

/** How many departures one claim takes at most (the next tick takes the rest). */
const DEPARTURES_PER_CLAIM = 500;

export function createRedisPresence(options: RedisPresenceOptions): RedisPresence {
  const { client, nodeId, logger } = options;
  const base = `${options.keyPrefix}presence:`;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5000;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 20_000;
  const graceMs = options.offlineGraceMs ?? 5000;
  const ttl = options.memoryTtlSeconds ?? 30 * 24 * 3600;
  const scripts = {
    add: defineScript(client, 'switchboardPresenceAdd', ADD),
    remove: defineScript(client, 'switchboardPresenceRemove', REMOVE),
    clear: defineScript(client, 'switchboardPresenceClear', CLEAR),
    sweep: defineScript(client, 'switchboardPresenceSweep', SWEEP),
    heartbeat: defineScript(client, 'switchboardPresenceHeartbeat', HEARTBEAT),
    counts: defineScript(client, 'switchboardPresenceCounts', COUNTS),
    takeDepartures: defineScript(client, 'switchboardPresenceTakeDepartures', TAKE_DEPARTURES),
  };
  // This node's own sockets (socketId → userId): what Redis must hold for this node.
  const local = new Map<string, string>();
  // Set when Redis may no longer match `local` (a write failed, the connection came back).
  let dirty = false;

  /** Runs a Redis call; any failure is UNAVAILABLE, and a failed write marks presence for a rebuild. */
  async function guarded<T>(what: string, call: () => Promise<T>, write = false): Promise<T> {
    try {
      return await orUnavailable(`Presence (Redis, ${what})`, call);
    } catch (err) {
      if (write) dirty = true;
      throw err;
    }
  }

  const store: RedisPresence = {
    async addSocket(userId, socketId) {
      local.set(socketId, userId);
      const outcome = await guarded('add', () => scripts.add(base, nodeId, userId, socketId), true);
      return { firstDevice: outcome !== 0, returned: outcome === 2 };
    },
    async removeSocket(userId, socketId) {
      local.delete(socketId);
      const now = Date.now();
      const last = await guarded('remove', () => scripts.remove(base, nodeId, userId, socketId, now, ttl, now + graceMs), true);
      return { lastDevice: last === 1, lastSeen: now };
    },
    getUserSockets: (userId) => guarded('read', () => client.hkeys(`${base}user-sockets:${userId}`)),
    isOnline: (userId) => guarded('read', async () => (await client.hlen(`${base}user-sockets:${userId}`)) > 0),
    onlineUsers: () => guarded('read', () => client.smembers(`${base}online`)),
    async setStatus(userId, status) {
      await guarded('status', () => client.set(`${base}status:${userId}`, status, 'EX', ttl));
    },
    get: (userIds) => guarded('read', () => readPresence(userIds)),
    async counts() {
      const [users, connections] = (await guarded('counts', () => scripts.counts(base))) as [number, number];
      return { users, connections };
    },
    async takeDepartures(now = Date.now()) {
      const flat = (await guarded('departures', () => scripts.takeDepartures(base, now, DEPARTURES_PER_CLAIM))) as string[];
      const out: Departure[] = [];
      for (let i = 0; i < flat.length; i += 2) out.push({ userId: flat[i] as string, lastSeen: Number(flat[i + 1]) });
      return out;
    },
    async clear() {
      local.clear();
      const now = Date.now();
      await guarded('clear', () => scripts.clear(base, nodeId, now, ttl, now + graceMs));
    },
    async sweep() {
      const dead = (await guarded('sweep', () => scripts.sweep(base, Date.now(), ttl))) as string[];
      if (dead.length > 0) logger.warn({ nodes: dead }, 'dropped the presence of nodes whose heartbeat expired');
      return dead;
    },
    async rebuild() {
      dirty = false;
      return guarded('rebuild', () => rebuild(), true);
    },
    heartbeat: createHeartbeat(),
  };

  async function readPresence(userIds: string[]): Promise<Record<string, PresenceInfo>> {
    const out: Record<string, PresenceInfo> = {};
    if (userIds.length === 0) return out;
    const pipeline = client.pipeline();
    for (const userId of userIds) {
      pipeline.hlen(`${base}user-sockets:${userId}`);
      pipeline.get(`${base}status:${userId}`);
      pipeline.get(`${base}last-seen:${userId}`);
    }
    const results = (await pipeline.exec()) ?? [];
    userIds.forEach((userId, i) => {
      const [devicesResult, statusResult, seenResult] = results.slice(i * 3, i * 3 + 3);
      for (const [err] of [devicesResult, statusResult, seenResult] as Array<[Error | null, unknown]>) if (err) throw err;
      const devices = Number(devicesResult?.[1] ?? 0);
      const chosen = statusResult?.[1] as UserStatus | null;
      const seen = seenResult?.[1] as string | null;
      out[userId] =
        devices > 0
          ? { status: chosen ?? 'online', online: true, lastSeen: null, devices }
          : { status: 'offline', online: false, lastSeen: seen ? new Date(Number(seen)).toISOString() : null, devices: 0 };
    });
    return out;
  }

  /**
   * Redis's view of this node, then this node's own: sockets Redis lacks are added,
   * sockets that left while Redis was unreachable are removed (their users depart).
   * Each socket's change is atomic; a connect or disconnect racing the rebuild runs
   * its own script, which leaves the same result whichever comes first.
   */
  async function rebuild(): Promise<number> {
    const inRedis = await client.hgetall(`${base}node-sockets:${nodeId}`);
    const now = Date.now();
    const changes: Array<Promise<unknown>> = [];
    for (const [socketId, userId] of Object.entries(inRedis)) {
      if (!local.has(socketId)) changes.push(scripts.remove(base, nodeId, userId, socketId, now, ttl, now + graceMs));
    }
    for (const [socketId, userId] of local) {
      if (inRedis[socketId] !== userId) changes.push(scripts.add(base, nodeId, userId, socketId));
    }
    // ioredis writes commands as they come, so these go out back to back.
    await Promise.all(changes);
    if (changes.length > 0)
      logger.warn({ nodeId, fixed: changes.length, sockets: local.size }, 'presence rebuilt from this node’s live sockets');
    return changes.length;
  }

  function createHeartbeat(): Service {
    let timer: NodeJS.Timeout | undefined;
    let failing = false;
    let beating: Promise<void> | undefined;
    const beat = async () => {
      const alive = await scripts.heartbeat(base, nodeId, nodeTimeoutMs);
      if (alive === 0 || dirty) await store.rebuild();
      await store.sweep();
    };
    const tick = () => {
      // One beat at a time: a reconnect and the interval may both ask for one.
      beating ??= beat()
        .then(
          () => {
            if (failing) logger.info({ nodeId }, 'presence heartbeat restored');
            failing = false;
          },
          (err) => {
            // Log once per outage; /ready reports it meanwhile.
            if (!failing) logger.error({ err, nodeId }, 'presence heartbeat failed');
            failing = true;
          },
        )
        .finally(() => {
          beating = undefined;
        });
    };
    // Back from an outage: Redis may have restarted empty, so rebuild now rather than
    // at the next interval (live notifications find devices through presence).
    const reconnected = () => {
      dirty = true;
      if (timer) tick();
    };
    return {
      name: 'redis-presence-heartbeat',
      async start() {
        await beat();
        client.on('ready', reconnected);
        timer = setInterval(tick, heartbeatIntervalMs);
        timer.unref();
      },
      async stop() {
        client.off('ready', reconnected);
        if (timer) clearInterval(timer);
        timer = undefined;
        await beating;
      },
    };
  }

  return store satisfies PresenceStore;
}
