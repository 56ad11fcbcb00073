/**
 * `useConversation`: one conversation's messages (history, then live, merged by id),
 * who is typing, receipts of the user's own messages, and send / typing / markRead.
 * While mounted the client "views" the conversation (`conversation:join`), and the
 * latest page is fetched again after each reconnect so nothing sent meanwhile is missing.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ChatSendInput, Message, SwitchboardError } from '../client/index.js';
import { useSwitchboard } from './provider.js';

/** A receipt of one of the user's messages. */
export type Receipt = 'sent' | 'delivered' | 'read';

/** What `useConversation` returns. */
export interface ConversationHandle {
  /** Oldest first. */
  messages: Message[];
  /** Other members typing now. */
  typingUsers: string[];
  loading: boolean;
  error: SwitchboardError | undefined;
  /** Sends (queued while offline); resolves with the stored message. */
  send(content: string, extra?: Omit<ChatSendInput, 'conversationId' | 'receiverId' | 'content'>): Promise<Message>;
  /** Call on each keystroke. */
  typing(): void;
  /** Marks read up to `messageId`, or up to the newest message from someone else. */
  markRead(messageId?: string): Promise<void>;
  /** `sent`, `delivered` (a recipient's device has it) or `read`. */
  receiptOf(message: Message): Receipt;
}

interface State {
  messages: Map<string, Message>;
  typing: Set<string>;
  delivered: Set<string>;
  /** The largest message id read by another member (ids are sortable). */
  readUpTo: string;
}

const empty = (): State => ({ messages: new Map(), typing: new Set(), delivered: new Set(), readUpTo: '' });

/**
 * @example
 * const { messages, send, typingUsers, markRead } = useConversation(conversationId);
 */
export function useConversation(conversationId: string | null | undefined, options: { limit?: number } = {}): ConversationHandle {
  const client = useSwitchboard();
  const chat = client.chat;
  const limit = options.limit ?? 50;
  const [state, setState] = useState<State>(empty);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<SwitchboardError>();

  useEffect(() => {
    setState(empty());
    setError(undefined);
    if (!conversationId) return;
    let live = true;
    const merge = (list: Message[]) =>
      setState((s) => {
        const messages = new Map(s.messages);
        for (const m of list) messages.set(m.id, m);
        return { ...s, messages };
      });
    const load = () => {
      setLoading(true);
      chat.history(conversationId, { limit }).then(
        ({ messages }) => {
          if (!live) return;
          merge(messages);
          setLoading(false);
        },
        (err: SwitchboardError) => {
          if (!live) return;
          setError(err);
          setLoading(false);
        },
      );
    };
    chat.join(conversationId).catch((err: SwitchboardError) => live && setError(err));
    if (client.state === 'connected') load();
    const offs = [
      client.on('connected', load),
      chat.on('message', (m) => {
        if (m.conversationId !== conversationId) return;
        merge([m]);
        setState((s) => {
          if (!s.typing.has(m.senderId)) return s;
          const typing = new Set(s.typing);
          typing.delete(m.senderId);
          return { ...s, typing };
        });
      }),
      chat.on('updated', (m) => m.conversationId === conversationId && merge([m])),
      chat.on('deleted', (e) => {
        if (e.conversationId !== conversationId) return;
        setState((s) => {
          const before = s.messages.get(e.messageId);
          if (!before) return s;
          const messages = new Map(s.messages);
          messages.set(e.messageId, { ...before, content: '', deleted: true });
          return { ...s, messages };
        });
      }),
      chat.on('typing', (e) => {
        if (e.conversationId !== conversationId || e.userId === client.info?.userId) return;
        setState((s) => {
          if (s.typing.has(e.userId) === e.typing) return s;
          const typing = new Set(s.typing);
          if (e.typing) typing.add(e.userId);
          else typing.delete(e.userId);
          return { ...s, typing };
        });
      }),
      chat.on('delivered', (e) => {
        if (e.conversationId !== conversationId) return;
        setState((s) => ({ ...s, delivered: new Set(s.delivered).add(e.messageId) }));
      }),
      chat.on('read', (e) => {
        if (e.conversationId !== conversationId) return;
        setState((s) => (e.messageId > s.readUpTo ? { ...s, readUpTo: e.messageId } : s));
      }),
    ];
    return () => {
      live = false;
      for (const off of offs) off();
      chat.stopTyping(conversationId);
      chat.leave(conversationId);
    };
  }, [client, chat, conversationId, limit]);

  const messages = [...state.messages.values()].sort((a, b) => a.id.localeCompare(b.id));
  const send = useCallback(
    (content: string, extra: Omit<ChatSendInput, 'conversationId' | 'receiverId' | 'content'> = {}) => {
      if (!conversationId) return Promise.reject(new Error('No conversation'));
      return chat.send({ ...extra, conversationId, content });
    },
    [chat, conversationId],
  );
  const me = client.info?.userId;
  const newestFromOthers = [...messages].reverse().find((m) => m.senderId !== me)?.id;
  return {
    messages,
    typingUsers: [...state.typing],
    loading,
    error,
    send,
    typing: useCallback(() => {
      if (conversationId) chat.typing(conversationId);
    }, [chat, conversationId]),
    markRead: useCallback(
      async (messageId?: string) => {
        const id = messageId ?? newestFromOthers;
        if (conversationId && id) await chat.markRead(conversationId, id);
      },
      [chat, conversationId, newestFromOthers],
    ),
    receiptOf: (message) => {
      if (state.readUpTo && message.id <= state.readUpTo) return 'read';
      return state.delivered.has(message.id) ? 'delivered' : 'sent';
    },
  };
}
