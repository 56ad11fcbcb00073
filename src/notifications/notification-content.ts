/**
 * What a notification says, independent of its recipient, and the mapping between
 * store rows and the contract's `Notification` shape (src/protocol/shapes.ts).
 */
import { toIso } from '../core/ids.js';
import type { Notification, NotificationType } from '../protocol/shapes.js';
import type { NotificationsTable } from './notifications-table.js';

/** The rendered content of one notify call (after templates), shared by all its recipients. */
export interface NotificationContent {
  type: NotificationType;
  kind: string | null;
  title: string;
  message: string;
  /** JSON text, or null: serialised once per call, not once per recipient. */
  data: string | null;
}

/** The row of one recipient's copy. */
export function notificationRow(id: string, userId: string, content: NotificationContent, createdAt: number): NotificationsTable {
  return { id, user_id: userId, ...content, read: 0, created_at: createdAt, read_at: null };
}

/** Parts the copies of one notify call share, computed once for all recipients. */
export class SharedNotificationParts {
  readonly data = new Map<string, unknown>();
  private at = Number.NaN;
  private iso = '';

  timestamp(epochMs: number): string {
    if (epochMs !== this.at) {
      this.at = epochMs;
      this.iso = toIso(epochMs);
    }
    return this.iso;
  }
}

/** The wire shape: `kind` and `data` are left out when absent rather than sent as null. */
export function toNotification(
  row: Pick<NotificationsTable, 'id' | 'type' | 'kind' | 'title' | 'message' | 'data' | 'read' | 'created_at'>,
  /** What the recipients of one call share (parsed `data`, the ISO time): computed once, read-only. */
  shared?: SharedNotificationParts,
): Notification {
  const notification: Notification = {
    id: row.id,
    type: row.type as NotificationType,
    title: row.title,
    message: row.message,
    read: Number(row.read) === 1,
    timestamp: shared ? shared.timestamp(Number(row.created_at)) : toIso(Number(row.created_at)),
  };
  if (row.kind !== null) notification.kind = row.kind;
  if (row.data !== null) {
    let data = shared?.data.get(row.data);
    if (data === undefined) {
      data = JSON.parse(row.data);
      shared?.data.set(row.data, data);
    }
    notification.data = data as Notification['data'];
  }
  return notification;
}
