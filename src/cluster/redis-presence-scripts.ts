/**
 * The Lua scripts of the Redis presence store (redis-presence.ts). Each change is one
 * script, so checking and writing are atomic across nodes. Every script gets the key
 * base (`<keyPrefix>presence:`) as ARGV[1] and builds key names from it, which is why
 * presence needs a standalone Redis (or Sentinel), not Redis Cluster.
 */

// Shared by the remove, clear and sweep scripts. A user whose last socket goes starts
// departing: `departing` (sorted set) holds it until `due`, the end of its grace.
const HELPERS = `
local function drop_user_socket(base, uid, sid, now, ttl, due)
  local uk = base .. 'user-sockets:' .. uid
  if redis.call('HDEL', uk, sid) == 1 and redis.call('HLEN', uk) == 0 then
    redis.call('SREM', base .. 'online', uid)
    redis.call('SET', base .. 'last-seen:' .. uid, now, 'EX', ttl)
    redis.call('ZADD', base .. 'departing', due, uid)
    return 1
  end
  return 0
end
local function drop_node(base, node, now, ttl, due)
  local nk = base .. 'node-sockets:' .. node
  local entries = redis.call('HGETALL', nk)
  for i = 1, #entries, 2 do drop_user_socket(base, entries[i + 1], entries[i], now, ttl, due) end
  redis.call('DEL', nk, base .. 'alive:' .. node)
  redis.call('SREM', base .. 'nodes', node)
end
`;

/** ARGV: base, nodeId, userId, socketId → 0 (had sockets), 1 (first device), 2 (first device, back within the grace). */
export const ADD = `
local base, node, uid, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local uk = base .. 'user-sockets:' .. uid
local first = redis.call('HLEN', uk) == 0
redis.call('HSET', uk, sid, node)
redis.call('HSET', base .. 'node-sockets:' .. node, sid, uid)
redis.call('SADD', base .. 'online', uid)
redis.call('SADD', base .. 'nodes', node)
if not first then return 0 end
if redis.call('ZREM', base .. 'departing', uid) == 1 then return 2 end
return 1
`;

/** ARGV: base, nodeId, userId, socketId, now, ttl, due → 1 when this removed the user's last socket. */
export const REMOVE = `${HELPERS}
local base, node, uid, sid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('HDEL', base .. 'node-sockets:' .. node, sid)
return drop_user_socket(base, uid, sid, ARGV[5], ARGV[6], ARGV[7])
`;

/** ARGV: base, nodeId, now, ttl, due. */
export const CLEAR = `${HELPERS}
drop_node(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return 1
`;

/**
 * ARGV: base, now, ttl → ids of the nodes dropped. The users a dead node leaves
 * without a socket depart at once (due now): the node has been silent for the node
 * timeout already, longer than any reload.
 */
export const SWEEP = `${HELPERS}
local base = ARGV[1]
local dead = {}
for _, node in ipairs(redis.call('SMEMBERS', base .. 'nodes')) do
  if redis.call('EXISTS', base .. 'alive:' .. node) == 0 then
    drop_node(base, node, ARGV[2], ARGV[3], ARGV[2])
    table.insert(dead, node)
  end
end
return dead
`;

/** ARGV: base, nodeId, timeoutMs → 1 when the heartbeat was still alive. */
export const HEARTBEAT = `
local key = ARGV[1] .. 'alive:' .. ARGV[2]
local existed = redis.call('EXISTS', key)
redis.call('SET', key, '1', 'PX', ARGV[3])
redis.call('SADD', ARGV[1] .. 'nodes', ARGV[2])
return existed
`;

/** ARGV: base → { users, connections }. */
export const COUNTS = `
local base = ARGV[1]
local connections = 0
for _, node in ipairs(redis.call('SMEMBERS', base .. 'nodes')) do
  connections = connections + redis.call('HLEN', base .. 'node-sockets:' .. node)
end
return { redis.call('SCARD', base .. 'online'), connections }
`;

/**
 * ARGV: base, now, limit → flat { userId, lastSeen, … } of the departures due by now
 * whose user has no socket, each removed as it is returned (claimed by one caller).
 */
export const TAKE_DEPARTURES = `
local base = ARGV[1]
local out = {}
for _, uid in ipairs(redis.call('ZRANGEBYSCORE', base .. 'departing', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))) do
  redis.call('ZREM', base .. 'departing', uid)
  if redis.call('HLEN', base .. 'user-sockets:' .. uid) == 0 then
    table.insert(out, uid)
    table.insert(out, redis.call('GET', base .. 'last-seen:' .. uid) or ARGV[2])
  end
end
return out
`;
