/**
 * Outbound webhooks (issue 15, docs/webhooks.md): durable, signed, retried events to
 * the app backend. The feature attaches its outbox to the core's domain-event bus
 * (src/core/domain-events.ts), through which presence (here: the core's connection
 * and offline hooks), occupancy (occupancy-watcher.ts), chat, notifications and
 * client publishes report what happened; the outbox service is the only sender.
 * With no endpoint configured it attaches nothing and starts nothing.
 */
import type { SwitchboardContext } from '../core/context.js';
import type { DomainEvent, DomainEventSink } from '../core/domain-events.js';
import { defineFeature } from '../core/feature.js';
import { toIso } from '../core/ids.js';
import type { WebhookEventType } from '../protocol/webhook-events.js';
import { createBatchWriter, outcome } from '../store/batch-writer.js';
import { resolveEndpoints, type WebhookEndpoint } from './endpoints.js';
import { createMemoryOccupancy } from './occupancy.js';
import { OccupancyWatcher } from './occupancy-watcher.js';
import { OutboxRepo } from './outbox-repo.js';
import { OutboxService } from './outbox-service.js';
import { createRedisOccupancy } from './redis-occupancy.js';
import { WebhookSender } from './sender.js';
import { webhooksConfig } from './webhooks-config.js';
import { createWebhookMetrics } from './webhooks-metrics.js';
import { webhooksMigrations } from './webhooks-migrations.js';
import { registerWebhookRoutes } from './webhooks-routes.js';
import './webhooks-tables.js';

/**
 * The outbox as the bus's sink. Events emitted on their own (presence, occupancy,
 * client publishes) share transactions through a batch writer, as other hot writes do.
 */
function outboxSink(repo: OutboxRepo, endpoints: readonly WebhookEndpoint[], ctx: SwitchboardContext, kick: () => void): DomainEventSink {
  const writer = createBatchWriter<readonly DomainEvent[], number>(ctx, {
    name: 'webhook event',
    weight: (events) => events.length * endpoints.length,
    async write(trx, items) {
      const rows = items.map((events) => repo.rowsOf(events));
      await repo.insertRows(trx, rows.flat());
      return rows.map((written) => outcome.ok(written.length));
    },
  });
  const wanted = new Set<WebhookEventType>();
  const wants = (type: WebhookEventType) => {
    if (!wanted.has(type) && endpoints.some((endpoint) => endpoint.wants(type))) wanted.add(type);
    return wanted.has(type);
  };
  return {
    wants,
    async record(trx, events) {
      if ((await repo.insert(trx, events)) > 0) kick();
    },
    async store(events: readonly DomainEvent[]) {
      if ((await writer.submit(events)) > 0) kick();
    },
  };
}

/** The dashboard's status row, when the dashboard feature is installed. */
function addStatusRow(ctx: SwitchboardContext, repo: OutboxRepo): void {
  let add: ReturnType<SwitchboardContext['use']> | undefined;
  try {
    add = ctx.use('addStatusProvider');
  } catch {
    return;
  }
  (add as (name: string, provider: () => Promise<{ state: 'up' | 'degraded'; details: Record<string, number> }>) => void)(
    'webhooks',
    async () => {
      const pending = [...(await repo.pendingByEndpoint()).values()].reduce((a, b) => a + b, 0);
      const failed = (await repo.list({ status: 'failed', limit: 1 })).length;
      return { state: failed > 0 ? 'degraded' : 'up', details: { pending, recentFailures: failed } };
    },
  );
}

export const webhooksFeature = defineFeature({
  name: 'webhooks',
  config: webhooksConfig,
  migrations: webhooksMigrations,
  setup(ctx) {
    const endpoints = resolveEndpoints(ctx.config);
    if (endpoints.length === 0) return undefined;
    const repo = new OutboxRepo(ctx.store, endpoints);
    const outbox = new OutboxService({
      repo,
      sender: new WebhookSender('Switchboard-Webhooks/1'),
      endpoints,
      settings: ctx.config.webhook,
      metrics: createWebhookMetrics(
        ctx.metrics,
        repo,
        endpoints.map((endpoint) => endpoint.url),
      ),
      logger: ctx.logger,
      nodeId: ctx.nodeId,
    });
    ctx.domainEvents.attach(outboxSink(repo, endpoints, ctx, () => outbox.kick()));
    const occupancy = ctx.cluster
      ? createRedisOccupancy({ ...ctx.cluster.shared, nodeId: ctx.nodeId, nodeTimeoutMs: ctx.config.redis.nodeTimeoutMs })
      : createMemoryOccupancy();
    const watcher = new OccupancyWatcher(ctx, occupancy);
    addStatusRow(ctx, repo);
    // Off the connection's path: the `connected` payload does not wait for the outbox,
    // and a store failure costs the event (logged), never the connection.
    const emitQuietly = (type: WebhookEventType, build: () => Promise<DomainEvent['data']> | DomainEvent['data']) =>
      ctx.lifecycle.track(async () => {
        try {
          await ctx.domainEvents.emit(type, (await build()) as never);
        } catch (err) {
          ctx.logger.warn({ err, type }, 'webhook event not stored');
        }
      });
    return {
      services: [outbox, watcher],
      routes: (http) => registerWebhookRoutes(http, ctx, repo, () => outbox.kick()),
      // The PresenceStore decided this cluster-wide: a first device that came back
      // within the grace (`returned`) was never announced offline, so it is not news.
      onConnection: (socket, { firstDevice, returned }) => {
        if (!firstDevice || returned || !ctx.domainEvents.wants('user.online')) return;
        const userId = socket.data.userId;
        void emitQuietly('user.online', async () => ({ userId, status: (await ctx.presence.get([userId]))[userId]?.status ?? 'online' }));
      },
      onDisconnect: (socket) => watcher.forget(socket.id),
      onUserOffline: (userId, lastSeen) => emitQuietly('user.offline', () => ({ userId, lastSeen: toIso(lastSeen) })),
    };
  },
});
