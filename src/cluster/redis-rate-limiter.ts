/**
 * Rate limits shared by every node: the same rules as the memory limiter, counted
 * in Redis by rate-limiter-flexible's RateLimiterRedis (an atomic INCR + PEXPIRE
 * script per consume), so a user spreading events over several nodes still hits
 * RATE_LIMITED. While Redis is not ready, each rule falls back at once to a
 * per-node memory limiter with the same rule (an "insurance" limiter) instead of
 * failing the event.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createRuleLimiter, memoryRuleLimiter, type RateLimiter, type RateRule } from '../rate-limit/rate-limiter.js';

export interface RedisRateLimiterOptions {
  client: Redis;
  /** Prefix of every key (`redis.keyPrefix`); counters live at `<prefix>rate:<rule>:<userId>`. */
  keyPrefix: string;
  rules: Record<string, RateRule>;
}

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  return createRuleLimiter(
    options.rules,
    (name, rule) =>
      new RateLimiterRedis({
        storeClient: options.client,
        keyPrefix: `${options.keyPrefix}rate:${name}`,
        points: rule.points,
        duration: rule.perSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memoryRuleLimiter(name, rule),
      }),
  );
}
