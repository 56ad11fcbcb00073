/**
 * Notifications (issue 4): a persisted inbox per user, delivered live to every
 * device. POST /api/notify and the programmatic `notify()` share one dispatcher;
 * `deliverAt` goes through a durable queue fired by the scheduler service; a
 * retention service keeps the inbox bounded.
 */
import type { Feature } from '../core/context.js';
import { requireServer } from '../http/guards.js';
import { createBatchWriter } from '../store/batch-writer.js';
import { Dispatcher, type NotifyResult } from './dispatcher.js';
import { Inbox } from './inbox.js';
import { registerInbox } from './inbox-routes.js';
import { notificationWrites } from './notification-writes.js';
import { NotificationsRepo } from './notifications-repo.js';
import type { NotifyInput } from './notifications-schemas.js';
import { RetentionService } from './retention.js';
import { ScheduleRepo } from './schedule-repo.js';
import { NotificationScheduler } from './scheduler.js';
import { registerTestRoutes } from './test-routes.js';

declare module '../core/context.js' {
  interface ProvidedApi {
    /**
     * Stores a notification for one user or many, then delivers `notification` to
     * every device of each; with a future `deliverAt`, queues it instead.
     * @example sb.notify({ userId: '42', type: 'info', title: 'Hello', message: 'Welcome!' })
     * @example sb.notify({ userIds: ['1', '2'], template: 'report:ready', data: { type: 'weekly' } })
     */
    notify(input: NotifyInput): Promise<NotifyResult>;
  }
}

export const notificationsFeature: Feature = {
  name: 'notifications',
  register(ctx) {
    const settings = ctx.config.notifications;
    const repo = new NotificationsRepo(ctx.store);
    const schedule = new ScheduleRepo(ctx.store);
    const dispatcher = new Dispatcher(ctx, createBatchWriter(ctx, notificationWrites), schedule);
    const notify = (input: NotifyInput) => dispatcher.notify(input);
    ctx.provide('notify', notify);

    // 202: stored (and, unless scheduled, delivered to the connected devices).
    ctx.http.post('/api/notify', async (request, reply) => {
      await requireServer(ctx, request);
      const result = await notify((request.body ?? {}) as NotifyInput);
      return reply.code(202).send({ ok: true, ...result });
    });

    registerInbox(ctx, repo, new Inbox(ctx, repo));
    if (ctx.config.testEndpoints) registerTestRoutes(ctx, notify);

    ctx.addConnectedFields(async (socket) => ({ unreadNotifications: await repo.unreadCount(socket.data.userId) }));

    ctx.lifecycle.add(
      new NotificationScheduler(schedule, dispatcher, ctx.logger, { nodeId: ctx.nodeId, intervalMs: settings.schedulerIntervalMs }),
    );
    ctx.lifecycle.add(
      new RetentionService(repo, schedule, ctx.logger, {
        maxPerUser: settings.maxPerUser,
        maxAgeDays: settings.maxAgeDays,
        intervalMs: settings.retentionIntervalMs,
      }),
    );
  },
};
