/**
 * `notification.created` for the outbound webhooks, one per recipient, built inside
 * the transaction that stores the notifications (the inbox's batch writer, and the
 * scheduler's fire), so a notification and its event commit together. `online` comes
 * from presence in one lookup; when presence cannot answer, recipients count as
 * offline (a push sender then errs towards one push too many).
 */
import type { SwitchboardContext } from '../core/context.js';
import type { DomainEvent } from '../core/domain-events.js';
import { SharedNotificationParts, toNotification } from './notification-content.js';
import type { NotificationsTable } from './notifications-table.js';

export type NotificationEvents = (rows: readonly NotificationsTable[]) => Promise<DomainEvent[]>;

export function notificationCreatedEvents(ctx: SwitchboardContext): NotificationEvents {
  return async (rows) => {
    if (rows.length === 0 || !ctx.domainEvents.wants('notification.created')) return [];
    const presence = await ctx.presence.get([...new Set(rows.map((row) => row.user_id))]).catch((err) => {
      ctx.logger.warn({ err }, 'presence unavailable: notification.created recipients reported offline');
      return {} as Awaited<ReturnType<typeof ctx.presence.get>>;
    });
    const shared = new SharedNotificationParts();
    return rows.map(
      (row): DomainEvent => ({
        type: 'notification.created',
        data: { notification: toNotification(row, shared), userId: row.user_id, online: (presence[row.user_id]?.devices ?? 0) > 0 },
      }),
    );
  };
}
