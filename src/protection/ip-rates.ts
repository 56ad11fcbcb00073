/**
 * Per-IP rates: handshakes (a burst, then a sustained rate) and anonymous guest
 * sessions. The same rule limiters as the per-user event limits (src/rate-limit/),
 * counted in Redis when a cluster shares them, so spreading attempts over nodes does
 * not multiply the budget.
 */
import { createRedisRateLimiter } from '../cluster/redis-rate-limiter.js';
import type { SwitchboardContext } from '../core/context.js';
import { createMemoryRateLimiter, type RateLimiter, type RateRule } from '../rate-limit/rate-limiter.js';
import type { LimitsConfig } from './limits-config.js';

export const HANDSHAKE_RULE = 'handshake';
export const SESSION_RULE = 'session';

export function ipRules(limits: LimitsConfig): Record<string, RateRule> {
  // A fixed window of `burst` points lasting as long as the sustained rate takes to spend them.
  const burst = Math.max(limits.handshakeBurst, limits.handshakesPerIpPerSecond);
  return {
    [HANDSHAKE_RULE]: { points: burst, perSeconds: burst / limits.handshakesPerIpPerSecond },
    [SESSION_RULE]: { points: limits.sessionsPerIpPerMinute, perSeconds: 60 },
  };
}

export function createIpRates(ctx: SwitchboardContext): RateLimiter {
  const rules = ipRules(ctx.config.limits);
  const redis = ctx.cluster?.shared;
  if (!redis) return createMemoryRateLimiter(rules);
  return createRedisRateLimiter({ client: redis.client, keyPrefix: `${redis.keyPrefix}ip-`, rules });
}
