/**
 * Idempotency keys (issue 11): the `Idempotency-Key` header on the routes that opt in
 * (idempotency-hook.ts) and `once()` for the Kafka bridge (idempotent-run.ts), over
 * one table of keys in the store with a background sweep of expired ones.
 */
import { defineFeature } from '../core/feature.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { idempotencyConfig } from './idempotency-config.js';
import { registerIdempotencyHook } from './idempotency-hook.js';
import { idempotencyMigrations } from './idempotency-migrations.js';
import { IdempotencyRepo } from './idempotency-repo.js';
import { createOnce, type Once } from './idempotent-run.js';

declare module '../core/context.js' {
  interface ProvidedApi {
    /**
     * Runs `effect` at most once per `scope` and `key` within `idempotency.ttlSeconds`,
     * cluster-wide; resolves `{ ran: false }` when the key already ran.
     * @example await sb.once('kafka', 'orders:0:42', () => sb.notify({ userId: 'u1', type: 'info', title: 'Shipped', message: '…' }))
     */
    once: Once;
  }
}

function sweeper(repo: IdempotencyRepo, intervalMs: number, logger: Logger): Service {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: 'idempotency-sweeper',
    start() {
      timer = setInterval(() => {
        repo.sweep().catch((err) => logger.warn({ err }, 'idempotency key sweep failed'));
      }, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

export const idempotencyFeature = defineFeature({
  name: 'idempotency',
  config: idempotencyConfig,
  migrations: idempotencyMigrations,
  setup(ctx) {
    const { ttlSeconds, pendingTimeoutMs, sweepIntervalMs } = ctx.config.idempotency;
    const repo = new IdempotencyRepo(ctx.store, { ttlMs: ttlSeconds * 1000, pendingTimeoutMs });
    return {
      api: { once: createOnce(repo, pendingTimeoutMs) },
      routes: (http) => registerIdempotencyHook(http, ctx, repo),
      services: [sweeper(repo, sweepIntervalMs, ctx.logger)],
    };
  },
});
