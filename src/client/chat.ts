/**
 * Chat: sends that survive a flaky connection, the chat events, typing, receipts.
 *
 * `send` gives each message a `clientMessageId` and queues it. The queue goes out
 * one message at a time while connected (so messages keep their order); a send cut
 * off by a disconnect is sent again after the reconnect with the same id, and the
 * server stores a `clientMessageId` only once and answers a repeat with the original
 * (PROTOCOL.md, `message:send`), so each message is stored once and its promise
 * resolves with the stored message. RATE_LIMITED and UNAVAILABLE are retried with
 * backoff; other refusals reject that message and the queue goes on.
 */
import type {
  Conversation,
  Message,
  MessageDeletedPayload,
  MessageDeliveredPayload,
  MessageReadEventPayload,
  MessageSendPayload,
} from '../protocol/index.js';
import { backoffDelay } from './backoff.js';
import type { Connection } from './connection.js';
import { isRetryable, retryAfterMs, SwitchboardError } from './errors.js';
import { Listeners } from './listeners.js';

/** A `typing:start` is repeated at most this often while the user keeps typing. */
const TYPING_REPEAT_MS = 2000;
/** …and a `typing:stop` follows this long after the last keystroke. */
const TYPING_IDLE_MS = 3000;
/** Message ids remembered to drop a repeated `message:new`. */
const RECENT_IDS = 1000;

/** What `chat.send` takes: `message:send`'s payload; `clientMessageId` is set by the SDK unless given. */
export type ChatSendInput = Omit<MessageSendPayload, 'clientMessageId'> & { clientMessageId?: string };

/** A typing indicator change. */
export interface TypingEvent {
  conversationId: string;
  userId: string;
  typing: boolean;
}

/** Events of `client.chat`. */
export interface ChatEvents {
  /** `message:new`: every new message of the user's conversations (own ones from any device too), once each. */
  message: (message: Message) => void;
  updated: (message: Message) => void;
  deleted: (event: MessageDeletedPayload) => void;
  /** A recipient's device got one of the user's messages. */
  delivered: (event: MessageDeliveredPayload) => void;
  /** Another member read up to and including `messageId`. */
  read: (event: MessageReadEventPayload) => void;
  typing: (event: TypingEvent) => void;
  /** A conversation was created or its members changed. */
  conversation: (conversation: Conversation) => void;
  /** This client marked a conversation read (`markRead`). */
  markedRead: (event: { conversationId: string; messageId: string }) => void;
}

interface QueuedSend {
  payload: MessageSendPayload;
  resolve(message: Message): void;
  reject(error: SwitchboardError): void;
}

interface TypingState {
  lastStart: number;
  idle?: ReturnType<typeof setTimeout>;
}

/** A random id for `clientMessageId` (crypto.randomUUID is missing outside secure contexts). */
export function randomId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Chat {
  private readonly events = new Listeners<ChatEvents>();
  private readonly queue: QueuedSend[] = [];
  private sending: QueuedSend | undefined;
  private generation = 0;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly recent = new Set<string>();
  private readonly viewing = new Map<string, number>();
  private readonly typingState = new Map<string, TypingState>();

  constructor(private readonly connection: Connection) {
    const socket = connection.socket;
    socket.on('message:new', (message) => this.onMessage(message));
    socket.on('message:updated', (message) => this.events.emit('updated', message));
    socket.on('message:deleted', (event) => this.events.emit('deleted', event));
    socket.on('message:delivered', (event) => this.events.emit('delivered', event));
    socket.on('message:read', (event) => this.events.emit('read', event));
    socket.on('typing:start', (event) => this.events.emit('typing', { ...event, typing: true }));
    socket.on('typing:stop', (event) => this.events.emit('typing', { ...event, typing: false }));
    socket.on('conversation:updated', (conversation) => this.events.emit('conversation', conversation));
    connection.hook({
      connected: () => {
        // The "viewing" rooms are per socket: a new socket joins them again.
        for (const conversationId of this.viewing.keys()) connection.emitRaw('conversation:join', [conversationId], () => {});
        this.pump();
      },
      disconnected: () => {
        // The send in flight gets no ack now; it goes again, same clientMessageId, on reconnect.
        this.generation++;
        this.sending = undefined;
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        for (const state of this.typingState.values()) clearTimeout(state.idle);
        this.typingState.clear();
      },
      closed: (error) => {
        this.generation++;
        clearTimeout(this.retryTimer);
        for (const item of this.queue.splice(0)) item.reject(error);
        this.sending = undefined;
      },
    });
  }

  on<K extends keyof ChatEvents>(event: K, listener: ChatEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  off<K extends keyof ChatEvents>(event: K, listener: ChatEvents[K]): void {
    this.events.off(event, listener);
  }

  /** Messages queued or in flight. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Sends a message; while offline it waits and goes out once on reconnect.
   * @example const message = await sb.chat.send({ conversationId, content: 'hi' });
   */
  send(input: ChatSendInput): Promise<Message> {
    return new Promise((resolve, reject) => {
      if (this.connection.state === 'closed') {
        reject(new SwitchboardError('CLOSED', 'The client is closed'));
        return;
      }
      const payload: MessageSendPayload = { ...input, clientMessageId: input.clientMessageId ?? randomId() };
      if (payload.conversationId) this.stopTyping(payload.conversationId);
      this.queue.push({ payload, resolve, reject });
      this.pump();
    });
  }

  /** Call on each keystroke: sends `typing:start` (repeated every 2 s) and `typing:stop` after 3 s idle. */
  typing(conversationId: string): void {
    const state = this.typingState.get(conversationId) ?? { lastStart: 0 };
    const now = Date.now();
    if (now - state.lastStart > TYPING_REPEAT_MS && this.connection.emitRaw('typing:start', [{ conversationId }], () => {})) {
      state.lastStart = now;
    }
    clearTimeout(state.idle);
    state.idle = setTimeout(() => this.stopTyping(conversationId), TYPING_IDLE_MS);
    this.typingState.set(conversationId, state);
  }

  /** Ends the typing indicator now (`send` does it too). */
  stopTyping(conversationId: string): void {
    const state = this.typingState.get(conversationId);
    if (!state) return;
    clearTimeout(state.idle);
    this.typingState.delete(conversationId);
    if (state.lastStart > 0) this.connection.emitRaw('typing:stop', [{ conversationId }], () => {});
  }

  /** Marks read up to and including `messageId` (the other members get `message:read`). */
  async markRead(conversationId: string, messageId: string): Promise<void> {
    await this.connection.call('message:read', { conversationId, messageId });
    this.events.emit('markedRead', { conversationId, messageId });
  }

  /** Edits one of the user's messages. */
  async edit(messageId: string, content: string): Promise<Message> {
    return (await this.connection.call('message:edit', { messageId, content })).message;
  }

  /** Deletes a message. */
  async delete(messageId: string): Promise<void> {
    await this.connection.call('message:delete', { messageId });
  }

  /**
   * "Viewing" a conversation (`conversation:join`), kept across reconnects until the
   * matching `leave`; counted, so two views of one conversation need two leaves.
   */
  async join(conversationId: string): Promise<void> {
    const count = this.viewing.get(conversationId) ?? 0;
    this.viewing.set(conversationId, count + 1);
    if (count === 0 && this.connection.connected) await this.connection.call('conversation:join', conversationId);
  }

  leave(conversationId: string): void {
    const count = this.viewing.get(conversationId) ?? 0;
    if (count > 1) {
      this.viewing.set(conversationId, count - 1);
      return;
    }
    if (count === 0) return;
    this.viewing.delete(conversationId);
    this.connection.emitRaw('conversation:leave', [conversationId], () => {});
  }

  /** The user's conversations with unread counts and last messages (GET /api/conversations). */
  async conversations(options: { limit?: number } = {}): Promise<Conversation[]> {
    const query = options.limit === undefined ? '' : `?limit=${options.limit}`;
    return (await this.connection.http<{ conversations: Conversation[] }>('GET', `/api/conversations${query}`)).conversations;
  }

  /** Creates a conversation; a direct one between two users is answered with the existing one. */
  async createConversation(body: { kind: 'direct' | 'group'; memberIds: string[]; title?: string }): Promise<Conversation> {
    return (await this.connection.http<{ conversation: Conversation }>('POST', '/api/conversations', body)).conversation;
  }

  /** A page of a conversation's history, newest first. */
  async history(
    conversationId: string,
    options: { before?: string; limit?: number } = {},
  ): Promise<{ messages: Message[]; nextCursor?: string | null }> {
    const query = new URLSearchParams();
    if (options.before) query.set('before', options.before);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages${query.size > 0 ? `?${query}` : ''}`;
    const page = await this.connection.http<{ messages: Message[]; nextCursor?: string | null }>('GET', path);
    return { messages: page.messages, nextCursor: page.nextCursor };
  }

  private onMessage(message: Message): void {
    // The sending socket gets its own message:new as well; a repeat is dropped.
    if (this.recent.has(message.id)) return;
    this.recent.add(message.id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value as string);
    if (this.connection.options.deliveryReceipts !== false && message.senderId !== this.connection.info?.userId) {
      this.connection.emitRaw('message:delivered', [{ messageId: message.id }], () => {});
    }
    this.events.emit('message', message);
  }

  private pump(): void {
    if (this.sending || this.retryTimer || !this.connection.connected) return;
    const item = this.queue[0];
    if (!item) return;
    this.sending = item;
    const generation = ++this.generation;
    this.connection.emitRaw('message:send', [item.payload], (ack) => {
      if (generation !== this.generation) return;
      this.sending = undefined;
      if (ack.ok) {
        this.attempts = 0;
        this.queue.shift();
        item.resolve((ack.data as { message: Message }).message);
        this.pump();
        return;
      }
      const error = SwitchboardError.from(ack.error);
      if (isRetryable(error)) {
        const delay = Math.max(retryAfterMs(error) ?? 0, backoffDelay(this.attempts++, this.connection.options.retry));
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.pump();
        }, delay);
        return;
      }
      this.queue.shift();
      item.reject(error);
      this.pump();
    });
  }
}
