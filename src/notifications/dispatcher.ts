/**
 * The one notify dispatcher (STYLE.md #6): POST /api/notify, the programmatic
 * `notify()`, the test endpoints and the Kafka bridge all end here.
 *
 * Stored first, then delivered: a chunk of recipients goes to the group-commit
 * writer (notification-writes.ts: concurrent notify calls share one transaction)
 * and is emitted only after that transaction committed, so every notification a
 * client sees, and every id the API acknowledges, exists in the store. Chunks
 * alternate with `setImmediate` so a 10,000-user batch does not stall other work.
 */
import { ulid } from 'ulidx';
import type { SwitchboardContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { Notification } from '../protocol/shapes.js';
import { parseOrFail } from '../realtime/validation.js';
import type { BatchWriter } from '../store/batch-writer.js';
import type { WriteContext } from '../store/write-context.js';
import { chunked, yieldToLoop } from './batching.js';
import { type NotificationContent, notificationRow, SharedNotificationParts, toNotification } from './notification-content.js';
import { type NotifyInput, notifyInputSchema } from './notifications-schemas.js';
import type { NotificationsTable } from './notifications-table.js';
import type { ScheduleRepo } from './schedule-repo.js';
import { renderTemplate } from './templates.js';

/** What `notify()` answers (POST /api/notify sends it with `ok: true`). */
export interface NotifyResult {
  /** One id per recipient, in the order of `userIds` (duplicates removed). */
  ids: string[];
  count: number;
  /** True when `deliverAt` is in the future: queued, not delivered yet. */
  scheduled: boolean;
  /** The ISO time it will be delivered, when scheduled. */
  deliverAt?: string;
  /** The delivered notification, when there was a single recipient and no schedule. */
  notification?: Notification;
}

export class Dispatcher {
  private readonly schema;

  constructor(
    private readonly ctx: SwitchboardContext,
    private readonly writer: BatchWriter<readonly NotificationsTable[], void>,
    private readonly schedule: ScheduleRepo,
  ) {
    this.schema = notifyInputSchema(ctx.config.notifications.maxRecipients);
  }

  /** Validates (VALIDATION_FAILED naming the field), renders the template, stores, delivers. */
  notify(input: NotifyInput, context?: WriteContext): Promise<NotifyResult> {
    const body = parseOrFail(this.schema, input);
    const userIds = [...new Set(body.userIds ?? (body.userId === undefined ? [] : [body.userId]))];
    const rendered = body.template ? renderTemplate(body.template, body.data) : undefined;
    const content: NotificationContent = {
      // The schema guarantees type/title/message when there is no template.
      type: body.type ?? rendered!.type,
      title: body.title ?? rendered!.title,
      message: body.message ?? rendered!.message,
      kind: body.kind ?? body.template ?? null,
      data: body.data === undefined ? null : JSON.stringify(body.data),
    };
    const dueAt = body.deliverAt === undefined ? undefined : Date.parse(body.deliverAt);
    // Tracked so a graceful shutdown waits for a batch that is half delivered.
    return this.ctx.lifecycle.track(() =>
      dueAt !== undefined && dueAt > Date.now() ? this.enqueue(userIds, content, dueAt) : this.sendNow(userIds, content, context),
    );
  }

  /**
   * Emits stored rows to every device of their users, chunk by chunk. Only users
   * with a device (per the presence store, cluster-wide) are emitted to: an emit
   * costs about as much for an empty room as for a full one, and in a 10,000-user
   * batch most rooms are empty. A device that connects meanwhile is not missed:
   * presence records it before `connected` counts the unread notifications, and
   * the row was stored before this lookup.
   */
  async deliver(rows: readonly NotificationsTable[]): Promise<void> {
    // One notify call shares its content: parse its `data` once, not once per recipient.
    const shared = new SharedNotificationParts();
    for (const [index, chunk] of chunked(rows).entries()) {
      if (index > 0) await yieldToLoop();
      const online = await this.onlineAmong(chunk.map((row) => row.user_id));
      for (const row of chunk) {
        if (online(row.user_id)) this.ctx.emitter.toUser(row.user_id, 'notification', toNotification(row, shared));
      }
    }
  }

  /**
   * Who of these users has a device, per presence. The rows are stored already, so a
   * presence outage must not fail the write: then every user is emitted to (the emit
   * reaches whoever this node or the adapter can reach; the inbox has the rest).
   */
  private async onlineAmong(userIds: string[]): Promise<(userId: string) => boolean> {
    try {
      const presence = await this.ctx.presence.get([...new Set(userIds)]);
      return (userId) => (presence[userId]?.devices ?? 0) > 0;
    } catch (err) {
      this.ctx.logger.warn({ err }, 'presence unavailable: notifications emitted to every recipient');
      return () => true;
    }
  }

  private async sendNow(userIds: string[], content: NotificationContent, context?: WriteContext): Promise<NotifyResult> {
    const ids: string[] = [];
    let single: NotificationsTable | undefined;
    for (const [index, chunk] of chunked(userIds).entries()) {
      if (index > 0) await yieldToLoop();
      const now = Date.now();
      const rows = chunk.map((userId) => notificationRow(newId(), userId, content, now));
      await this.writer.submit(rows, context);
      await this.deliver(rows);
      for (const row of rows) ids.push(row.id);
      single = rows[0];
    }
    const result: NotifyResult = { ids, count: ids.length, scheduled: false };
    if (ids.length === 1 && single) result.notification = toNotification(single);
    return result;
  }

  private async enqueue(userIds: string[], content: NotificationContent, dueAt: number): Promise<NotifyResult> {
    const ids: string[] = [];
    for (const [index, chunk] of chunked(userIds).entries()) {
      if (index > 0) await yieldToLoop();
      // The id carries the due time (a ULID seeded with it), so once fired it sorts
      // in the inbox where its delivery time puts it. Not the process's monotonic
      // factory: a future seed would drag every later id into the future.
      const entries = chunk.map((userId) => ({ id: ulid(dueAt), userId, dueAt }));
      await this.schedule.enqueue(entries, content);
      for (const entry of entries) ids.push(entry.id);
    }
    return { ids, count: ids.length, scheduled: true, deliverAt: new Date(dueAt).toISOString() };
  }
}
