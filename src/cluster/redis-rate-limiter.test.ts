/** The Redis rate limiter: counters shared by every limiter on the prefix, memory fallback during an outage. */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../../test/support/cleanup.js';
import { redisProxy, waitUntil } from '../../test/support/cluster.js';
import { redisTestPrefix, redisUnavailable } from '../../test/support/services.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';

const redisReason = await redisUnavailable();
const rules = { default: { points: 2, perSeconds: 60 } };

describe.skipIf(redisReason !== undefined)('Redis rate limiter', () => {
  it('two limiters (two nodes) share one budget per user and rule, under the key prefix', async () => {
    const shared = redisTestPrefix();
    const other = shared.client.duplicate();
    onCleanup(() => other.disconnect());
    // Until a client is ready the limiter counts in memory (see the next test).
    await Promise.all([shared.client.ping(), other.ping()]);
    const nodeA = createRedisRateLimiter({ client: shared.client, keyPrefix: shared.prefix, rules });
    const nodeB = createRedisRateLimiter({ client: other, keyPrefix: shared.prefix, rules });

    expect(await nodeA.consume('default', 'u1')).toEqual({ allowed: true });
    expect(await nodeB.consume('default', 'u1')).toEqual({ allowed: true });
    expect(await nodeA.consume('default', 'u1')).toEqual({ allowed: false, retryAfterMs: expect.any(Number) });
    expect(await nodeB.consume('default', 'u2')).toEqual({ allowed: true });
    expect(await shared.client.exists(`${shared.prefix}rate:default:u1`)).toBe(1);
  });

  it('while Redis is unreachable, the same rule is counted in memory instead of failing', async () => {
    const { prefix } = redisTestPrefix();
    const proxy = await redisProxy();
    const client = new Redis(proxy.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    client.on('error', () => {});
    onCleanup(() => client.disconnect());
    const limiter = createRedisRateLimiter({ client, keyPrefix: prefix, rules });
    await client.ping();
    expect(await limiter.consume('default', 'u1')).toEqual({ allowed: true });
    expect(await limiter.consume('default', 'u1')).toEqual({ allowed: true });
    expect(await limiter.consume('default', 'u1')).toMatchObject({ allowed: false });

    await proxy.cut();
    await waitUntil(() => client.status !== 'ready', 'the client notices the outage');
    // The memory fallback starts a fresh count for the same rule.
    expect(await limiter.consume('default', 'u1')).toEqual({ allowed: true });
    expect(await limiter.consume('default', 'u1')).toEqual({ allowed: true });
    expect(await limiter.consume('default', 'u1')).toMatchObject({ allowed: false });
  });
});
