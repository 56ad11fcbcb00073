/**
 * Per-user rate limits from config (`rateLimits.default` for every event, overrides
 * by event name), behind an interface whose memory implementation a Redis one
 * (rate-limiter-flexible's RateLimiterRedis, same semantics) replaces for clusters.
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Consumes one point of `rule` for `key` (a user id). */
  consume(rule: string, key: string): Promise<RateLimitDecision>;
  /** The rule that governs an event: its own if configured, else `default`. */
  ruleFor(event: string): string;
}

export interface RateRule {
  points: number;
  perSeconds: number;
}

/** Shared by the memory and Redis limiters: one limiter object per rule. */
export function createRuleLimiter(
  rules: Record<string, RateRule>,
  makeLimiter: (name: string, rule: RateRule) => RateLimiterAbstract,
): RateLimiter {
  const limiters = new Map<string, RateLimiterAbstract>();
  for (const [name, rule] of Object.entries(rules)) limiters.set(name, makeLimiter(name, rule));
  return {
    ruleFor(event) {
      return limiters.has(event) ? event : 'default';
    },
    async consume(rule, key) {
      const limiter = limiters.get(rule) ?? limiters.get('default');
      if (!limiter) return { allowed: true };
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
        throw rejection;
      }
    },
  };
}

/** One rule counted in this process (also the Redis limiter's fallback while Redis is down). */
export function memoryRuleLimiter(name: string, rule: RateRule): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.perSeconds });
}

export function createMemoryRateLimiter(rules: Record<string, RateRule>): RateLimiter {
  return createRuleLimiter(rules, memoryRuleLimiter);
}
