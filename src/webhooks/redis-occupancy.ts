/**
 * Occupancy in Redis (contract in occupancy.ts), under `<prefix>webhooks:`:
 * - `occ:<key>`: the set of socket ids in a channel (or of one user in one channel);
 * - `occ-announced`: the keys announced occupied (and not vacated since);
 * - `occ-node:<nodeId>`: what each node added (field `<key>\n<socketId>`), and
 *   `occ-nodes` / `occ-alive:<nodeId>` (a key with a TTL, renewed by the node's
 *   heartbeat), so the sockets of a node that died are found and left by a survivor.
 * Each operation is one Lua script, so two nodes never both see "first", both settle a
 * vacancy or both take a dead node's sockets.
 */
import type { Redis } from 'ioredis';
import { orUnavailable } from '../core/errors.js';
import type { Abandoned, OccupancyStore } from './occupancy.js';

// KEYS: set, announced, registry, nodes. ARGV: key, socketId, nodeId → { first, announce }
const JOIN = `
local first = redis.call('SCARD', KEYS[1]) == 0
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1] .. '\\n' .. ARGV[2], '1')
redis.call('SADD', KEYS[4], ARGV[3])
local announce = redis.call('SADD', KEYS[2], ARGV[1])
return { first and 1 or 0, announce }
`;

// KEYS: set, registry. ARGV: key, socketId → 1 when it was the last socket
const LEAVE = `
redis.call('HDEL', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2])
if redis.call('SREM', KEYS[1], ARGV[2]) == 0 then return 0 end
return redis.call('SCARD', KEYS[1]) == 0 and 1 or 0
`;

// KEYS: set, announced. ARGV: key → 1 when settled (empty and announced)
const SETTLE = `
if redis.call('SCARD', KEYS[1]) > 0 then return 0 end
return redis.call('SREM', KEYS[2], ARGV[1])
`;

// KEYS: nodes. ARGV: base → flat { key\\nsocketId, … } of the dead nodes this caller took
const TAKE_ABANDONED = `
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. 'occ-alive:' .. node) == 0 and redis.call('SREM', KEYS[1], node) == 1 then
    local registry = ARGV[1] .. 'occ-node:' .. node
    for _, field in ipairs(redis.call('HKEYS', registry)) do table.insert(out, field) end
    redis.call('DEL', registry)
  end
end
return out
`;

type Script = (...args: Array<string | number>) => Promise<unknown>;

export interface RedisOccupancyOptions {
  client: Redis;
  keyPrefix: string;
  nodeId: string;
  /** How long this node counts as alive after a heartbeat (`redis.nodeTimeoutMs`). */
  nodeTimeoutMs: number;
}

export function createRedisOccupancy({ client, keyPrefix, nodeId, nodeTimeoutMs }: RedisOccupancyOptions): OccupancyStore {
  const scripts = { JOIN: [JOIN, 4], LEAVE: [LEAVE, 2], SETTLE: [SETTLE, 2], TAKE_ABANDONED: [TAKE_ABANDONED, 1] } as const;
  for (const [name, [lua, numberOfKeys]] of Object.entries(scripts))
    client.defineCommand(`switchboardOccupancy${name}`, { numberOfKeys, lua });
  const commands = client as unknown as Record<string, Script>;
  const run = (name: keyof typeof scripts, ...args: Array<string | number>) =>
    orUnavailable('Webhook occupancy (Redis)', () => (commands[`switchboardOccupancy${name}`] as Script).call(client, ...args));
  const base = `${keyPrefix}webhooks:`;
  const setOf = (key: string) => `${base}occ:${key}`;
  const announced = `${base}occ-announced`;
  const registry = `${base}occ-node:${nodeId}`;
  const nodes = `${base}occ-nodes`;
  return {
    async join(key, socketId) {
      const [first, announce] = (await run('JOIN', setOf(key), announced, registry, nodes, key, socketId, nodeId)) as [number, number];
      return { first: first === 1, announce: announce === 1 };
    },
    async leave(key, socketId) {
      return { last: (await run('LEAVE', setOf(key), registry, key, socketId)) === 1 };
    },
    async settle(key) {
      return (await run('SETTLE', setOf(key), announced, key)) === 1;
    },
    async heartbeat() {
      await orUnavailable('Webhook occupancy (Redis)', () => client.set(`${base}occ-alive:${nodeId}`, '1', 'PX', nodeTimeoutMs));
    },
    async takeAbandoned(): Promise<Abandoned[]> {
      const fields = (await run('TAKE_ABANDONED', nodes, base)) as string[];
      return fields.map((field) => {
        const cut = field.lastIndexOf('\n');
        return { key: field.slice(0, cut), socketId: field.slice(cut + 1) };
      });
    },
  };
}
