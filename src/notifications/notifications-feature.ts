/**
 * Notifications (issue 4): a persisted inbox per user, delivered live to every
 * device. POST /api/notify and the programmatic `notify()` share one dispatcher;
 * `deliverAt` goes through a durable queue fired by the scheduler service; a
 * retention service keeps the inbox bounded.
 */
import { defineFeature } from '../core/feature.js';
import { SERVER_AUTH } from '../http/api-docs.js';
import { requireServer } from '../http/guards.js';
import { idempotencyHeadersSchema } from '../idempotency/index.js';
import { createBatchWriter } from '../store/batch-writer.js';
import type { WriteContext } from '../store/write-context.js';
import { Dispatcher, type NotifyResult } from './dispatcher.js';
import { Inbox } from './inbox.js';
import { inboxEvents, inboxRoutes } from './inbox-routes.js';
import { notificationCreatedEvents } from './notification-events.js';
import { notificationWrites } from './notification-writes.js';
import { notificationsConfig } from './notifications-config.js';
import { notificationsMigrations } from './notifications-migrations.js';
import { NotificationsRepo } from './notifications-repo.js';
import { type NotifyInput, notifyInputSchema } from './notifications-schemas.js';
import { RetentionService } from './retention.js';
import { ScheduleRepo } from './schedule-repo.js';
import { NotificationScheduler } from './scheduler.js';
import { testRoutes } from './test-routes.js';

declare module '../core/context.js' {
  interface ProvidedApi {
    /**
     * Stores a notification for one user or many, then delivers `notification` to
     * every device of each; with a future `deliverAt`, queues it instead.
     * @example sb.notify({ userId: '42', type: 'info', title: 'Hello', message: 'Welcome!' })
     * @example sb.notify({ userIds: ['1', '2'], template: 'report:ready', data: { type: 'weekly' } })
     */
    /** `options.writeContext` is internal (the idempotency feature's key, committed with the notifications). */
    notify(input: NotifyInput, options?: { writeContext?: WriteContext }): Promise<NotifyResult>;
  }
}

export const notificationsFeature = defineFeature({
  name: 'notifications',
  config: notificationsConfig,
  migrations: notificationsMigrations,
  setup(ctx) {
    const settings = ctx.config.notifications;
    const repo = new NotificationsRepo(ctx.store);
    const createdEvents = notificationCreatedEvents(ctx);
    const schedule = new ScheduleRepo(ctx.store, async (trx, rows) => ctx.domainEvents.record(trx, await createdEvents(rows)));
    const writes = ctx.domainEvents.withEvents(notificationWrites, ['notification.created'], (items) => createdEvents(items.flat()));
    const dispatcher = new Dispatcher(ctx, createBatchWriter(ctx, writes), schedule);
    const inbox = new Inbox(ctx, repo);
    const notify = (input: NotifyInput, internal?: { writeContext?: WriteContext }) => dispatcher.notify(input, internal?.writeContext);

    return {
      api: { notify },
      events: inboxEvents(inbox),
      routes(http) {
        // 202: stored (and, unless scheduled, delivered to the connected devices).
        const notifyRoute = {
          tags: ['notifications'],
          summary: 'Store a notification for one user or many and deliver it to their devices (202; `deliverAt` queues it)',
          security: SERVER_AUTH,
          body: notifyInputSchema(settings.maxRecipients),
          headers: idempotencyHeadersSchema,
        };
        http.post('/api/notify', { schema: notifyRoute, config: { idempotent: true } }, async (request, reply) => {
          await requireServer(ctx, request);
          const result = await notify((request.body ?? {}) as NotifyInput, { writeContext: request.writeContext });
          return reply.code(202).send({ ok: true, ...result });
        });
        inboxRoutes(http, ctx, repo, inbox);
        if (ctx.config.testEndpoints) testRoutes(http, ctx, notify);
      },
      connectedFields: async (socket) => ({ unreadNotifications: await repo.unreadCount(socket.data.userId) }),
      services: [
        new NotificationScheduler(schedule, dispatcher, ctx.logger, { nodeId: ctx.nodeId, intervalMs: settings.schedulerIntervalMs }),
        new RetentionService(repo, schedule, ctx.logger, {
          maxPerUser: settings.maxPerUser,
          maxAgeDays: settings.maxAgeDays,
          intervalMs: settings.retentionIntervalMs,
        }),
      ],
    };
  },
});
