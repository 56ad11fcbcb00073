/** `useInbox`: the unread count and the newest notifications, kept in step on every device. */
import { useCallback, useEffect, useState } from 'react';
import type { Notification, SwitchboardError } from '../client/index.js';
import { useSwitchboard } from './provider.js';

/** What `useInbox` returns. */
export interface InboxHandle {
  unreadCount: number;
  /** Newest first: the first page, then whatever arrives live. */
  notifications: Notification[];
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
  remove(id: string): Promise<void>;
  /** The last failure loading the list. */
  error: SwitchboardError | undefined;
}

/**
 * The inbox, loaded when mounted and again after each reconnect.
 * @example const { unreadCount, notifications, markRead } = useInbox();
 */
export function useInbox(options: { limit?: number } = {}): InboxHandle {
  const client = useSwitchboard();
  const inbox = client.inbox;
  const [snapshot, setSnapshot] = useState(() => ({ unreadCount: inbox.unreadCount, notifications: inbox.notifications }));
  const [error, setError] = useState<SwitchboardError>();
  const limit = options.limit ?? 20;

  useEffect(() => {
    const update = () => setSnapshot({ unreadCount: inbox.unreadCount, notifications: inbox.notifications });
    const load = () => {
      inbox.list({ limit }).then(() => setError(undefined), setError);
    };
    update();
    const offChange = inbox.on('change', update);
    const offConnected = client.on('connected', load);
    if (client.state === 'connected') load();
    return () => {
      offChange();
      offConnected();
    };
  }, [client, inbox, limit]);

  return {
    ...snapshot,
    error,
    markRead: useCallback((id: string) => inbox.markRead(id), [inbox]),
    markAllRead: useCallback(() => inbox.markAllRead(), [inbox]),
    remove: useCallback((id: string) => inbox.remove(id), [inbox]),
  };
}
