/**
 * Presence for several nodes, in Redis (STYLE.md #5: same PresenceStore contract as
 * memory-presence.ts). Every change is one Lua script, so the check and the write
 * are atomic: of two nodes adding the first two devices of a user at the same time,
 * exactly one gets `firstDevice`, and of two removing the last two, exactly one gets
 * `lastDevice`.
 *
 * Keys (under `<keyPrefix>presence:`):
 *   user-sockets:<userId>   hash socketId → nodeId   (a user's devices, cluster-wide)
 *   node-sockets:<nodeId>   hash socketId → userId   (what a node must drop when it dies)
 *   online                  set of userIds with at least one socket
 *   nodes                   set of nodeIds that may hold sockets
 *   alive:<nodeId>          heartbeat, expires after `nodeTimeoutMs`
 *   status:<userId>         status chosen with user:status (kept `memoryTtlSeconds`)
 *   last-seen:<userId>      epoch ms of the last disconnect (kept `memoryTtlSeconds`)
 *
 * A node refreshes its heartbeat every `heartbeatIntervalMs` and sweeps: any node in
 * `nodes` whose heartbeat expired (it crashed without cleanup) has its sockets
 * dropped, in one script, so two sweepers never drop the same node twice. If a
 * node finds its own heartbeat expired (Redis was unreachable long enough for
 * others to sweep it), it registers its live sockets again.
 *
 * The scripts compute key names from the prefix, so they need a standalone Redis
 * (or Sentinel), not Redis Cluster.
 */
import type { Redis } from 'ioredis';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { PresenceInfo, UserStatus } from '../protocol/shapes.js';

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
  /** How long a chosen status and a lastSeen are kept. @default 30 days */
  memoryTtlSeconds?: number;
}

export interface RedisPresence extends PresenceStore {
  /** Heartbeat and sweeper; `stop()` ends the heartbeat without dropping anything. */
  readonly heartbeat: Service;
  /** Drops the sockets of nodes whose heartbeat expired; returns their ids. */
  sweep(): Promise<string[]>;
}

// Shared by the remove, clear and sweep scripts.
const LUA_HELPERS = `
local function drop_user_socket(base, uid, sid, now, ttl)
  local uk = base .. 'user-sockets:' .. uid
  if redis.call('HDEL', uk, sid) == 1 and redis.call('HLEN', uk) == 0 then
    redis.call('SREM', base .. 'online', uid)
    redis.call('SET', base .. 'last-seen:' .. uid, now, 'EX', ttl)
    return 1
  end
  return 0
end
local function drop_node(base, node, now, ttl)
  local nk = base .. 'node-sockets:' .. node
  local entries = redis.call('HGETALL', nk)
  for i = 1, #entries, 2 do drop_user_socket(base, entries[i + 1], entries[i], now, ttl) end
  redis.call('DEL', nk, base .. 'alive:' .. node)
  redis.call('SREM', base .. 'nodes', node)
end
`;

// ARGV: base, nodeId, userId, socketId → 1 when the user had no socket before.
const ADD = `
local base, node, uid, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local uk = base .. 'user-sockets:' .. uid
local first = redis.call('HLEN', uk) == 0
redis.call('HSET', uk, sid, node)
redis.call('HSET', base .. 'node-sockets:' .. node, sid, uid)
redis.call('SADD', base .. 'online', uid)
redis.call('SADD', base .. 'nodes', node)
if first then return 1 end
return 0
`;

// ARGV: base, nodeId, userId, socketId, now, ttl → 1 when this removed the user's last socket.
const REMOVE = `${LUA_HELPERS}
local base, node, uid, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('HDEL', base .. 'node-sockets:' .. node, sid)
return drop_user_socket(base, uid, sid, ARGV[5], ARGV[6])
`;

// ARGV: base, nodeId, now, ttl.
const CLEAR = `${LUA_HELPERS}
drop_node(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
return 1
`;

// ARGV: base, now, ttl → ids of the nodes dropped.
const SWEEP = `${LUA_HELPERS}
local base = ARGV[1]
local dead = {}
for _, node in ipairs(redis.call('SMEMBERS', base .. 'nodes')) do
  if redis.call('EXISTS', base .. 'alive:' .. node) == 0 then
    drop_node(base, node, ARGV[2], ARGV[3])
    table.insert(dead, node)
  end
end
return dead
`;

// ARGV: base, nodeId, timeoutMs → 1 when the heartbeat was still alive.
const HEARTBEAT = `
local key = ARGV[1] .. 'alive:' .. ARGV[2]
local existed = redis.call('EXISTS', key)
redis.call('SET', key, '1', 'PX', ARGV[3])
redis.call('SADD', ARGV[1] .. 'nodes', ARGV[2])
return existed
`;

// ARGV: base → { users, connections }.
const COUNTS = `
local base = ARGV[1]
local connections = 0
for _, node in ipairs(redis.call('SMEMBERS', base .. 'nodes')) do
  connections = connections + redis.call('HLEN', base .. 'node-sockets:' .. node)
end
return { redis.call('SCARD', base .. 'online'), connections }
`;

type Script = (...args: Array<string | number>) => Promise<unknown>;

/** Registers a script (EVALSHA with a fallback to EVAL, as ioredis does). */
function defineScript(client: Redis, name: string, lua: string): Script {
  client.defineCommand(name, { numberOfKeys: 0, lua });
  const commands = client as unknown as Record<string, Script>;
  return (...args) => (commands[name] as Script).call(client, ...args);
}

export function createRedisPresence(options: RedisPresenceOptions): RedisPresence {
  const { client, nodeId, logger } = options;
  const base = `${options.keyPrefix}presence:`;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5000;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 20_000;
  const ttl = options.memoryTtlSeconds ?? 30 * 24 * 3600;
  const scripts = {
    add: defineScript(client, 'switchboardPresenceAdd', ADD),
    remove: defineScript(client, 'switchboardPresenceRemove', REMOVE),
    clear: defineScript(client, 'switchboardPresenceClear', CLEAR),
    sweep: defineScript(client, 'switchboardPresenceSweep', SWEEP),
    heartbeat: defineScript(client, 'switchboardPresenceHeartbeat', HEARTBEAT),
    counts: defineScript(client, 'switchboardPresenceCounts', COUNTS),
  };
  // This node's own sockets (socketId → userId): not the truth, which is in Redis,
  // but what to register again if other nodes swept this one during an outage.
  const local = new Map<string, string>();

  const store: RedisPresence = {
    async addSocket(userId, socketId) {
      local.set(socketId, userId);
      const first = await scripts.add(base, nodeId, userId, socketId);
      return { firstDevice: first === 1 };
    },
    async removeSocket(userId, socketId) {
      local.delete(socketId);
      const now = Date.now();
      const last = await scripts.remove(base, nodeId, userId, socketId, now, ttl);
      return { lastDevice: last === 1, lastSeen: now };
    },
    async getUserSockets(userId) {
      return client.hkeys(`${base}user-sockets:${userId}`);
    },
    async isOnline(userId) {
      return (await client.hlen(`${base}user-sockets:${userId}`)) > 0;
    },
    async onlineUsers() {
      return client.smembers(`${base}online`);
    },
    async setStatus(userId, status) {
      await client.set(`${base}status:${userId}`, status, 'EX', ttl);
    },
    async get(userIds) {
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
    },
    async counts() {
      const [users, connections] = (await scripts.counts(base)) as [number, number];
      return { users, connections };
    },
    async clear() {
      local.clear();
      await scripts.clear(base, nodeId, Date.now(), ttl);
    },
    async sweep() {
      const dead = (await scripts.sweep(base, Date.now(), ttl)) as string[];
      if (dead.length > 0) logger.warn({ nodes: dead }, 'dropped the presence of nodes whose heartbeat expired');
      return dead;
    },
    heartbeat: createHeartbeat(),
  };

  function createHeartbeat(): Service {
    let timer: NodeJS.Timeout | undefined;
    let failing = false;
    const beat = async () => {
      const alive = await scripts.heartbeat(base, nodeId, nodeTimeoutMs);
      if (alive === 0 && local.size > 0) {
        logger.warn({ nodeId, sockets: local.size }, 'heartbeat had expired: registering this node’s sockets again');
        // ioredis writes commands as they come, so these go out back to back.
        await Promise.all([...local].map(([socketId, userId]) => scripts.add(base, nodeId, userId, socketId)));
      }
      await store.sweep();
    };
    const tick = () => {
      beat().then(
        () => {
          failing = false;
        },
        (err) => {
          // Log once per outage; /ready reports it meanwhile.
          if (!failing) logger.error({ err, nodeId }, 'presence heartbeat failed');
          failing = true;
        },
      );
    };
    return {
      name: 'redis-presence-heartbeat',
      async start() {
        await beat();
        timer = setInterval(tick, heartbeatIntervalMs);
        timer.unref();
      },
      stop() {
        if (timer) clearInterval(timer);
        timer = undefined;
      },
    };
  }

  return store satisfies PresenceStore;
}
