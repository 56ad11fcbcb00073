/**
 * The notification inbox: `unreadCount` kept in step with `notification`,
 * `notification:updated` and `notification:deleted` (which reach every device of the
 * user), the notifications seen so far, and the list/read/delete calls.
 *
 * The count changes by the events where the SDK knows the notification's previous
 * state. Where it does not (an item from before this connection), an echo such as
 * `{ id, read: true }` cannot tell whether the item was unread, so the count is
 * fetched again (`GET /api/notifications/unread-count`), and only applied when no
 * inbox event arrived while the request was out.
 */
import type { Notification } from '../protocol/index.js';
import type { Connection } from './connection.js';
import { SwitchboardError } from './errors.js';
import { Listeners } from './listeners.js';

/** Notifications kept in memory for `notifications` (the newest). */
const MAX_ITEMS = 500;
/** Recounts in a row while events keep arriving, at most. */
const MAX_RECOUNTS = 10;

/** Events of `client.inbox`. */
export interface InboxEvents {
  /** `unreadCount` or `notifications` changed. */
  change: () => void;
  /** A new notification arrived. */
  notification: (notification: Notification) => void;
}

/** Filters of `inbox.list` (GET /api/notifications). */
export interface InboxListOptions {
  unread?: boolean;
  /** A notification id: the page after it. */
  before?: string;
  limit?: number;
}

export class Inbox {
  /** Unread notifications of the user, on every device. */
  unreadCount = 0;
  private readonly events = new Listeners<InboxEvents>();
  /** What is shown: the notifications seen, newest first once sorted. */
  private readonly items = new Map<string, Notification>();
  /** Read state per id, where it is known to be current (cleared on reconnect). */
  private readonly known = new Map<string, boolean>();
  /** Bumped by every inbox event: a count fetched across one is stale. */
  private epoch = 0;
  private eventsSinceConnect = 0;
  private recounting = false;
  private recountAgain = false;

  constructor(private readonly connection: Connection) {
    const socket = connection.socket;
    socket.on('connect', () => {
      this.eventsSinceConnect = 0;
    });
    socket.on('notification', (notification) => this.onNotification(notification));
    socket.on('notification:updated', (update) => this.onUpdated(update));
    socket.on('notification:deleted', ({ id }) => this.onDeleted(id));
    connection.hook({
      connected: (info) => {
        this.epoch++;
        // Changes made while offline are unknown: the connect count is the truth now.
        this.known.clear();
        this.setCount(info.unreadNotifications);
        // An event between the socket's connect and `connected` may or may not be in that count.
        if (this.eventsSinceConnect > 0) void this.recount();
      },
    });
  }

  /** The notifications this client has seen (listed or live), newest first. */
  get notifications(): Notification[] {
    return [...this.items.values()].sort((a, b) => b.timestamp.localeCompare(a.timestamp) || b.id.localeCompare(a.id));
  }

  on<K extends keyof InboxEvents>(event: K, listener: InboxEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  off<K extends keyof InboxEvents>(event: K, listener: InboxEvents[K]): void {
    this.events.off(event, listener);
  }

  /** A page of the inbox, newest first (GET /api/notifications). */
  async list(options: InboxListOptions = {}): Promise<{ notifications: Notification[]; nextCursor?: string | null }> {
    const query = new URLSearchParams();
    if (options.unread !== undefined) query.set('unread', String(options.unread));
    if (options.before) query.set('before', options.before);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    const epoch = this.epoch;
    const page = await this.connection.http<{ notifications: Notification[]; nextCursor?: string | null }>(
      'GET',
      `/api/notifications${query.size > 0 ? `?${query}` : ''}`,
    );
    const current = epoch === this.epoch;
    for (const notification of page.notifications) {
      this.items.set(notification.id, notification);
      // A page read across an inbox event may predate it: keep it for display only.
      if (current) this.known.set(notification.id, notification.read);
    }
    this.trim();
    this.events.emit('change');
    return { notifications: page.notifications, nextCursor: page.nextCursor };
  }

  /** Marks one read on every device. */
  async markRead(id: string): Promise<void> {
    await this.connection.call('notification:read', { notificationId: id });
  }

  /** Marks all read on every device. */
  async markAllRead(): Promise<void> {
    await this.connection.call('notification:read', { all: true });
  }

  /** Deletes one from the inbox on every device. */
  async remove(id: string): Promise<void> {
    await this.connection.call('notification:delete', { notificationId: id });
  }

  private touch(): void {
    this.epoch++;
    this.eventsSinceConnect++;
  }

  private onNotification(notification: Notification): void {
    this.touch();
    this.items.set(notification.id, notification);
    this.trim();
    this.applyRead(notification.id, notification.read, true);
    this.events.emit('notification', notification);
    this.events.emit('change');
  }

  private onUpdated(update: { id: string; read: boolean }): void {
    this.touch();
    const item = this.items.get(update.id);
    if (item) this.items.set(update.id, { ...item, ...update });
    this.applyRead(update.id, update.read, false);
    this.events.emit('change');
  }

  private onDeleted(id: string): void {
    this.touch();
    this.items.delete(id);
    if (this.known.has(id)) {
      if (this.known.get(id) === false) this.setCount(this.unreadCount - 1);
      this.known.delete(id);
    } else void this.recount();
    this.events.emit('change');
  }

  /** Counts a read-state change; `isNew` items were not in the count before. */
  private applyRead(id: string, read: boolean, isNew: boolean): void {
    const before = this.known.get(id);
    this.known.set(id, read);
    if (before === undefined && !isNew) {
      void this.recount();
      return;
    }
    const wasUnread = before === undefined ? false : !before;
    if (wasUnread !== !read) this.setCount(this.unreadCount + (read ? -1 : 1));
  }

  private setCount(count: number): void {
    const next = Math.max(0, count);
    if (next === this.unreadCount) return;
    this.unreadCount = next;
    this.events.emit('change');
  }

  /** One request at a time; again while events arrived during the last one (bounded). */
  private async recount(): Promise<void> {
    if (this.recounting) {
      this.recountAgain = true;
      return;
    }
    this.recounting = true;
    try {
      for (let i = 0; i < MAX_RECOUNTS; i++) {
        this.recountAgain = false;
        const epoch = this.epoch;
        const { count } = await this.connection.http<{ count: number }>('GET', '/api/notifications/unread-count');
        if (epoch === this.epoch) this.setCount(count);
        else this.recountAgain = true;
        if (!this.recountAgain || this.connection.state === 'closed') break;
      }
    } catch (error) {
      // Offline or refused: the next event or reconnect counts again.
      this.connection.events.emit('error', error instanceof SwitchboardError ? error : new SwitchboardError('UNAVAILABLE', String(error)));
    } finally {
      this.recounting = false;
    }
  }

  private trim(): void {
    if (this.items.size <= MAX_ITEMS) return;
    for (const old of this.notifications.slice(MAX_ITEMS)) {
      this.items.delete(old.id);
      this.known.delete(old.id);
    }
  }
}
