/**
 * Deadlines in Redis (same contract as src/presence/deadlines.ts): per queue, a sorted
 * set `<keyPrefix>deadlines:<name>` (key → due, epoch ms) and a hash
 * `<keyPrefix>deadlines:<name>:values`. Cancelling and taking are Lua scripts, so a
 * deadline is handed to one caller only, whichever node asks. Failures are UNAVAILABLE.
 */
import type { Redis } from 'ioredis';
import { orUnavailable } from '../core/errors.js';
import type { DeadlineQueues, Deadlines } from '../presence/deadlines.js';

// KEYS: zset, hash. ARGV: key → its value when it was pending.
const CANCEL = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return false end
local value = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return value
`;

// KEYS: zset, hash. ARGV: now, limit → flat { key, value, … }.
const TAKE_DUE = `
local out = {}
for _, key in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))) do
  redis.call('ZREM', KEYS[1], key)
  table.insert(out, key)
  table.insert(out, redis.call('HGET', KEYS[2], key) or '')
  redis.call('HDEL', KEYS[2], key)
end
return out
`;

type Script = (...args: Array<string | number>) => Promise<unknown>;

const guarded = <T>(call: () => Promise<T>) => orUnavailable('Deadlines (Redis)', call);

export function createRedisDeadlines(client: Redis, keyPrefix: string): DeadlineQueues {
  client.defineCommand('switchboardDeadlineCancel', { numberOfKeys: 2, lua: CANCEL });
  client.defineCommand('switchboardDeadlineTake', { numberOfKeys: 2, lua: TAKE_DUE });
  const commands = client as unknown as Record<string, Script>;
  const cancel: Script = (...args) => (commands.switchboardDeadlineCancel as Script).call(client, ...args);
  const take: Script = (...args) => (commands.switchboardDeadlineTake as Script).call(client, ...args);
  const queues = new Map<string, Deadlines>();

  return (name) => {
    const zset = `${keyPrefix}deadlines:${name}`;
    const values = `${zset}:values`;
    let queue = queues.get(name);
    if (!queue) {
      queue = {
        async set(key, dueAt, value) {
          await guarded(() => client.multi().zadd(zset, dueAt, key).hset(values, key, value).exec());
        },
        async cancel(key) {
          const value = await guarded(() => cancel(zset, values, key));
          return typeof value === 'string' ? value : undefined;
        },
        async takeDue(now, limit = 500) {
          const flat = (await guarded(() => take(zset, values, now, limit))) as string[];
          const out: Array<{ key: string; value: string }> = [];
          for (let i = 0; i < flat.length; i += 2) out.push({ key: flat[i] as string, value: flat[i + 1] as string });
          return out;
        },
      } satisfies Deadlines;
      queues.set(name, queue);
    }
    return queue;
  };
}
