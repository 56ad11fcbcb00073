/**
 * Occupancy in Redis (contract in occupancy.ts): per key a set of socket ids
 * `<prefix>webhooks:occ:<key>`, and one set of announced keys
 * `<prefix>webhooks:occ-announced`. Each operation is one Lua script, so two nodes
 * never both see "first" or both settle a vacancy. A node that dies leaves its socket
 * ids behind (the channel then looks occupied until they are gone); docs/webhooks.md
 * names that limit.
 */
import type { Redis } from 'ioredis';
import { orUnavailable } from '../core/errors.js';
import type { OccupancyStore } from './occupancy.js';

// KEYS: set, announced. ARGV: key, socketId → { first, announce }
const JOIN = `
local first = redis.call('SCARD', KEYS[1]) == 0
redis.call('SADD', KEYS[1], ARGV[2])
local announce = redis.call('SADD', KEYS[2], ARGV[1])
return { first and 1 or 0, announce }
`;

// KEYS: set, announced. ARGV: key → 1 when settled (empty and announced)
const SETTLE = `
if redis.call('SCARD', KEYS[1]) > 0 then return 0 end
return redis.call('SREM', KEYS[2], ARGV[1])
`;

type Script = (...args: Array<string | number>) => Promise<unknown>;

export function createRedisOccupancy(client: Redis, keyPrefix: string): OccupancyStore {
  client.defineCommand('switchboardOccupancyJoin', { numberOfKeys: 2, lua: JOIN });
  client.defineCommand('switchboardOccupancySettle', { numberOfKeys: 2, lua: SETTLE });
  const commands = client as unknown as Record<string, Script>;
  const run = (name: string, ...args: Array<string | number>) =>
    orUnavailable('Webhook occupancy (Redis)', () => (commands[name] as Script).call(client, ...args));
  const setOf = (key: string) => `${keyPrefix}webhooks:occ:${key}`;
  const announced = `${keyPrefix}webhooks:occ-announced`;
  return {
    async join(key, socketId) {
      const [first, announce] = (await run('switchboardOccupancyJoin', setOf(key), announced, key, socketId)) as [number, number];
      return { first: first === 1, announce: announce === 1 };
    },
    async leave(key, socketId) {
      const [removed, size] = (await orUnavailable('Webhook occupancy (Redis)', () =>
        client.multi().srem(setOf(key), socketId).scard(setOf(key)).exec(),
      )) as Array<[Error | null, number]>;
      return { last: removed?.[1] === 1 && size?.[1] === 0 };
    },
    async settle(key) {
      return (await run('switchboardOccupancySettle', setOf(key), announced, key)) === 1;
    },
  };
}
