/**
 * Connection caps shared by every node, in Redis. Each counter is a hash of
 * `nodeId → open connections on that node`, so a node that dies does not leave its
 * connections counted forever: each node keeps a heartbeat key that expires after
 * `nodeTimeoutMs`, and the acquire script drops the fields of nodes whose heartbeat
 * is gone before it sums. Check and increment are one script (atomic across nodes).
 *
 * Keys (under `<keyPrefix>conns:`):
 *   <kind>:<key>     hash nodeId → count (kind is `user` or `ip`)
 *   alive:<nodeId>   this node's heartbeat
 *
 * The node keeps its own counts (`LocalCounts`) and writes them back whenever Redis
 * may have lost them: its heartbeat had expired (others dropped its fields), or a
 * write failed. While Redis is unreachable each node enforces the caps on its own
 * connections only (degraded, never refusing everyone).
 */
import type { Redis } from 'ioredis';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { type CapClaim, type ConnectionCaps, LocalCounts } from './connection-caps.js';

/** KEYS: the counters; ARGV: nodeId, alive-key prefix, ttl of a counter (ms), then one limit per key. Returns the 1-based index of a full counter, or 0. */
const ACQUIRE = `
local node, alivePrefix, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
for i, key in ipairs(KEYS) do
  local fields = redis.call('HGETALL', key)
  local total = 0
  for j = 1, #fields, 2 do
    local owner, n = fields[j], tonumber(fields[j + 1])
    if owner == node or redis.call('EXISTS', alivePrefix .. owner) == 1 then
      total = total + n
    else
      redis.call('HDEL', key, owner)
    end
  end
  if total >= tonumber(ARGV[3 + i]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, node, 1)
  redis.call('PEXPIRE', key, ttl)
end
return 0`;

/** KEYS: the counters; ARGV: nodeId. */
const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('HINCRBY', key, ARGV[1], -1) <= 0 then redis.call('HDEL', key, ARGV[1]) end
end
return 0`;

/** KEYS: the counters; ARGV: nodeId, alive-key prefix. */
const COUNT = `
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for j = 1, #fields, 2 do
  if fields[j] == ARGV[1] or redis.call('EXISTS', ARGV[2] .. fields[j]) == 1 then total = total + tonumber(fields[j + 1]) end
end
return total`;

type CapsCommands = {
  switchboardCapsAcquire(keyCount: number, ...args: Array<string | number>): Promise<number>;
  switchboardCapsRelease(keyCount: number, ...args: Array<string | number>): Promise<number>;
  switchboardCapsCount(key: string, node: string, alivePrefix: string): Promise<number>;
};

export interface RedisConnectionCapsOptions {
  client: Redis;
  /** `redis.keyPrefix`; `conns:` is appended. */
  keyPrefix: string;
  nodeId: string;
  logger: Logger;
  heartbeatIntervalMs: number;
  nodeTimeoutMs: number;
}

export interface RedisConnectionCaps extends ConnectionCaps {
  /** Keeps this node's heartbeat (and writes its counts back after it had expired). */
  readonly heartbeat: Service;
}

export function createRedisConnectionCaps(options: RedisConnectionCapsOptions): RedisConnectionCaps {
  const { client, nodeId, logger } = options;
  const prefix = `${options.keyPrefix}conns:`;
  const alivePrefix = `${prefix}alive:`;
  const counterTtl = Math.max(options.nodeTimeoutMs * 10, 3_600_000);
  client.defineCommand('switchboardCapsAcquire', { lua: ACQUIRE });
  client.defineCommand('switchboardCapsRelease', { lua: RELEASE });
  client.defineCommand('switchboardCapsCount', { numberOfKeys: 1, lua: COUNT });
  const commands = client as unknown as CapsCommands;
  const local = new LocalCounts();
  /** Counters whose Redis field may differ from `local` (a write failed). */
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const keyOf = (id: string) => `${prefix}${id}`;
  const ready = () => client.status === 'ready';

  async function writeBack(ids: Iterable<string>): Promise<void> {
    const pipeline = client.pipeline();
    for (const id of ids) {
      const [kind = '', ...rest] = id.split(':');
      const n = local.get(kind, rest.join(':'));
      if (n > 0) pipeline.hset(keyOf(id), nodeId, n).pexpire(keyOf(id), counterTtl);
      else pipeline.hdel(keyOf(id), nodeId);
    }
    await pipeline.exec();
  }

  async function beat(): Promise<void> {
    if (!ready()) return;
    try {
      const previous = await client.set(`${alivePrefix}${nodeId}`, '1', 'PX', options.nodeTimeoutMs, 'GET');
      // Expired: other nodes may have dropped every field of ours; write them all back.
      const ids = previous === null ? [...local.entries()].map(([id]) => id) : [...dirty];
      dirty.clear();
      if (ids.length > 0) await writeBack(ids);
    } catch (err) {
      logger.warn({ err }, 'connection caps heartbeat failed');
    }
  }

  const markDirty = (claims: readonly CapClaim[]) => {
    for (const claim of claims) dirty.add(LocalCounts.id(claim.kind, claim.key));
  };

  return {
    async acquire(claims) {
      if (ready()) {
        try {
          const keys = claims.map((claim) => keyOf(LocalCounts.id(claim.kind, claim.key)));
          const full = await commands.switchboardCapsAcquire(
            keys.length,
            ...keys,
            nodeId,
            alivePrefix,
            counterTtl,
            ...claims.map((c) => c.limit),
          );
          if (full > 0) return claims[full - 1];
          local.add(claims, 1);
          return undefined;
        } catch (err) {
          logger.warn({ err }, 'connection caps unavailable: counting this node only');
        }
      }
      const full = claims.find((claim) => local.get(claim.kind, claim.key) >= claim.limit);
      if (!full) {
        local.add(claims, 1);
        markDirty(claims);
      }
      return full;
    },
    async release(claims) {
      local.add(claims, -1);
      if (!ready()) return markDirty(claims);
      const keys = claims.map((claim) => keyOf(LocalCounts.id(claim.kind, claim.key)));
      await commands.switchboardCapsRelease(keys.length, ...keys, nodeId).catch(() => markDirty(claims));
    },
    async count(kind, key) {
      return commands.switchboardCapsCount(keyOf(LocalCounts.id(kind, key)), nodeId, alivePrefix);
    },
    heartbeat: {
      name: 'connection-caps-heartbeat',
      async start() {
        await beat();
        timer = setInterval(() => void beat(), options.heartbeatIntervalMs);
        timer.unref();
      },
      async stop() {
        clearInterval(timer);
        if (ready()) await client.del(`${alivePrefix}${nodeId}`).catch(() => {});
      },
    },
  };
}
