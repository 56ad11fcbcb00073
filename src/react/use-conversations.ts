/**
 * `useConversations`: the user's conversation list with unread counts and last
 * messages, kept up to date by the chat events; `open(peer)` finds or creates a
 * direct conversation.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation, SwitchboardError } from '../client/index.js';
import { useSwitchboard } from './provider.js';

/** What `useConversations` returns. */
export interface ConversationsHandle {
  /** Most recent activity first. */
  conversations: Conversation[];
  /** Unread messages over all conversations. */
  unreadTotal: number;
  error: SwitchboardError | undefined;
  /** The direct conversation with `peerId` (created when missing). */
  open(peerId: string): Promise<Conversation>;
  refresh(): void;
}

const activity = (c: Conversation) => c.lastMessage?.id ?? c.id;

/**
 * @param options.activeId the conversation on screen: its new messages are not
 * counted as unread (the app marks them read).
 */
export function useConversations(options: { activeId?: string | null; limit?: number } = {}): ConversationsHandle {
  const client = useSwitchboard();
  const chat = client.chat;
  const limit = options.limit ?? 50;
  const [list, setList] = useState<Map<string, Conversation>>(() => new Map());
  const [error, setError] = useState<SwitchboardError>();
  const active = useRef(options.activeId);
  active.current = options.activeId;
  const known = useRef(list);
  known.current = list;

  const upsert = useCallback((c: Conversation) => {
    setList((current) => new Map(current).set(c.id, { unreadCount: 0, ...current.get(c.id), ...c }));
  }, []);

  const refresh = useCallback(() => {
    chat.conversations({ limit }).then((conversations) => {
      setError(undefined);
      setList(new Map(conversations.map((c) => [c.id, c])));
    }, setError);
  }, [chat, limit]);

  useEffect(() => {
    if (client.state === 'connected') refresh();
    const offs = [
      client.on('connected', refresh),
      chat.on('conversation', upsert),
      chat.on('message', (m) => {
        setList((current) => {
          const c = current.get(m.conversationId);
          if (!c) return current;
          const fromOther = m.senderId !== client.info?.userId && m.conversationId !== active.current;
          return new Map(current).set(c.id, { ...c, lastMessage: m, unreadCount: (c.unreadCount ?? 0) + (fromOther ? 1 : 0) });
        });
        // A conversation this client did not know yet (created on another device).
        if (!known.current.has(m.conversationId)) refresh();
      }),
      chat.on('markedRead', ({ conversationId, messageId }) => {
        setList((current) => {
          const c = current.get(conversationId);
          if (!c || (c.lastMessage && c.lastMessage.id > messageId && c.lastMessage.senderId !== client.info?.userId)) return current;
          return new Map(current).set(c.id, { ...c, unreadCount: 0 });
        });
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [client, chat, refresh, upsert]);

  const conversations = [...list.values()].sort((a, b) => activity(b).localeCompare(activity(a)));
  return {
    conversations,
    unreadTotal: conversations.reduce((sum, c) => sum + (c.unreadCount ?? 0), 0),
    error,
    refresh,
    open: useCallback(
      async (peerId: string) => {
        const conversation = await chat.createConversation({ kind: 'direct', memberIds: [peerId] });
        upsert(conversation);
        return conversation;
      },
      [chat, upsert],
    ),
  };
}
