/**
 * HTTP protections: JSON bodies parsed by Fastify's own parser (prototype-poisoning
 * checks kept) and then refused past `maxJsonDepth` with VALIDATION_FAILED; anonymous
 * guest-session creation limited per client IP (429 RATE_LIMITED with
 * `details.retryAfterMs` and `Retry-After`), logged once per IP and interval.
 */
import type { FastifyInstance } from 'fastify';
import { bearerToken } from '../auth/token-sources.js';
import type { SwitchboardContext } from '../core/context.js';
import { fail } from '../core/errors.js';
import { LogThrottle } from '../core/log-throttle.js';
import { matchesApiKey } from '../http/guards.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { clientAddress } from './client-address.js';
import { SESSION_RULE } from './ip-rates.js';
import { deeperThan } from './json-depth.js';

export const REFUSAL_LOG_INTERVAL_MS = 60_000;

export function limitJsonDepth(http: FastifyInstance, maxDepth: number): void {
  const parse = http.getDefaultJsonParser('error', 'error');
  http.removeContentTypeParser('application/json');
  http.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      if (deeperThan(value, maxDepth)) {
        return done(fail('VALIDATION_FAILED', `JSON body nests deeper than ${maxDepth} levels`, { maxJsonDepth: maxDepth }), undefined);
      }
      done(null, value);
    });
  });
}

export interface SessionRateOptions {
  ipRates: RateLimiter;
  refused(limit: string): void;
}

/** Limits anonymous `POST /api/sessions` per client IP; callers with an API key (the app's backend) are exempt. */
export function limitSessionCreation(http: FastifyInstance, ctx: SwitchboardContext, options: SessionRateOptions): void {
  const throttle = new LogThrottle({ intervalMs: REFUSAL_LOG_INTERVAL_MS });
  http.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || request.routeOptions.url !== '/api/sessions') return;
    const bearer = bearerToken(request.headers.authorization);
    if (bearer && matchesApiKey(ctx, bearer)) return;
    const address = clientAddress(request.socket.remoteAddress, request.headers, ctx.config.trustProxy);
    const decision = await options.ipRates.consume(SESSION_RULE, address);
    if (decision.allowed) return;
    options.refused('sessionsPerIpPerMinute');
    const { log, suppressed } = throttle.take(address);
    if (log) ctx.logger.info({ audit: 'session', outcome: 'refused', code: 'RATE_LIMITED', address, suppressed }, 'guest session refused');
    void reply.header('retry-after', Math.ceil(decision.retryAfterMs / 1000));
    throw fail('RATE_LIMITED', 'Too many guest sessions from this address', { retryAfterMs: decision.retryAfterMs });
  });
}
