/**
 * The one typed event map of Switchboard (STYLE.md #1), passed as generics to
 * socket.io's `Server` and to `socket.io-client`'s `Socket`. Client→server events
 * take an optional acknowledgement callback as their last argument.
 */
import type { WireError } from './error-codes.js';
import type { Ack, AckCallback, Conversation, Message, Notification, Publication, PublicationMeta, UserStatus } from './shapes.js';

// ---- client → server payloads -------------------------------------------------

export type SubscribePayload = string | { channel: string; since?: number; token?: string };
/** `subscribe:batch`: several subscribes in one event (one round trip, one rate-limit point). */
export interface SubscribeBatchPayload {
  subscriptions: Array<Exclude<SubscribePayload, string> | string>;
}
export type UnsubscribePayload = string | { channel: string };
export interface PublishPayload {
  channel: string;
  event: string;
  data?: unknown;
}
export interface AuthRefreshPayload {
  token: string;
}
export interface MessageSendPayload {
  conversationId?: string;
  receiverId?: string;
  content: string;
  type?: string;
  clientMessageId?: string;
  replyTo?: string;
}
export interface MessageEditPayload {
  messageId: string;
  content: string;
}
export interface MessageIdPayload {
  messageId: string;
}
export interface MessageReadPayload {
  conversationId: string;
  messageId: string;
}
export interface ConversationIdPayload {
  conversationId: string;
}
/** A conversation by its bare id (the contract's form) or as `{ conversationId }`. */
export type ConversationRefPayload = string | ConversationIdPayload;
export type NotificationReadPayload = { notificationId: string } | { all: true };
/** `notification:read` ack data: the one notification marked, or how many `all` marked. */
export type NotificationReadResult = { id: string; read: boolean } | { count: number };
export interface NotificationDeletePayload {
  notificationId: string;
}

// ---- ack data -----------------------------------------------------------------

export interface SubscribeResult {
  channel: string;
  offset: number;
  recovered: boolean;
  missed: Publication[];
}

// ---- server → client payloads ---------------------------------------------------

export interface ConnectedPayload {
  message: string;
  socketId: string;
  userId: string;
  isLoggedIn: boolean;
  roles: string[];
  unreadNotifications: number;
  timestamp: string;
}
export interface PongPayload {
  timestamp: string;
}
export interface StatusResponsePayload {
  server: { name: string; version: string; status: string; timestamp: string };
  connection: { socketId: string; userId: string; isLoggedIn: boolean; rooms: string[] };
}
export interface InfoResponsePayload {
  server: { name: string; version: string; description: string; features: Record<string, boolean> };
  websocket: { connected: boolean; transport: string; protocol: number; activeConnections: number };
  session: { authenticated: boolean; userId: string };
  timestamp: string;
}
export interface EchoResponsePayload {
  received: unknown;
  timestamp: string;
  socketId: string;
}
export interface MessageReceivedPayload {
  success: boolean;
  message: string;
  data: unknown;
  timestamp: string;
}
export interface ErrorEventPayload extends WireError {
  event?: string;
}
export interface BroadcastPayload {
  title: string;
  message: string;
  from: string;
  timestamp: string;
}
export interface ChannelMemberPayload {
  channel: string;
  userId: string;
}
export interface MessageDeletedPayload {
  messageId: string;
  conversationId: string;
  deletedBy: string;
}
export interface MessageDeliveredPayload {
  messageId: string;
  conversationId: string;
  userId: string;
}
export interface MessageReadEventPayload {
  conversationId: string;
  messageId: string;
  userId: string;
  readAt: string;
}
export interface TypingPayload {
  userId: string;
  conversationId: string;
}
export interface UserOnlinePayload {
  userId: string;
  status: UserStatus;
}
export interface UserOfflinePayload {
  userId: string;
  lastSeen: string;
}
export interface KafkaEventPayload {
  topic: string;
  event: unknown;
  timestamp: string;
}
export interface AuthExpiringPayload {
  expiresAt: string;
}

/**
 * "Nothing": the payload of an event sent without one, or the ack of an event that
 * answers `{ ok: true }` with no data. `void` rather than `undefined` so that an
 * `async` handler with no `return` fits.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: see above
export type Nothing = void;

/**
 * The client→server events: each one's payload (the first argument; `Nothing` for events
 * sent without one) and the `data` of its `{ ok: true, data }` acknowledgement. The
 * server's event router takes its names, payload and ack types from here, and each
 * handler's zod schema must accept exactly this payload (src/realtime/event-router.ts).
 * An interface, so a feature outside this folder can add its events by declaration
 * merging (`declare module 'switchboard/protocol' { interface ClientEventMap { … } }`).
 */
export interface ClientEventMap {
  ping: { payload: Nothing; ack: PongPayload };
  status: { payload: Nothing; ack: StatusResponsePayload };
  info: { payload: Nothing; ack: InfoResponsePayload };
  echo: { payload: unknown; ack: EchoResponsePayload };
  message: { payload: unknown; ack: MessageReceivedPayload };
  subscribe: { payload: SubscribePayload; ack: SubscribeResult };
  /** Each result is the ack that entry's own `subscribe` would have had, in the same order. */
  'subscribe:batch': { payload: SubscribeBatchPayload; ack: { results: Ack<SubscribeResult>[] } };
  unsubscribe: { payload: UnsubscribePayload; ack: { channel: string } };
  publish: { payload: PublishPayload; ack: { offset: number | null } };
  'auth:refresh': { payload: AuthRefreshPayload; ack: { expiresAt: string | null } };
  'message:send': { payload: MessageSendPayload; ack: { message: Message } };
  'message:edit': { payload: MessageEditPayload; ack: { message: Message } };
  'message:delete': { payload: MessageIdPayload; ack: { messageId: string } };
  'message:delivered': { payload: MessageIdPayload; ack: Nothing };
  'message:read': { payload: MessageReadPayload; ack: { readAt: string } };
  'typing:start': { payload: ConversationIdPayload; ack: Nothing };
  'typing:stop': { payload: ConversationIdPayload; ack: Nothing };
  'conversation:join': { payload: ConversationRefPayload; ack: { conversationId: string } };
  'conversation:leave': { payload: ConversationRefPayload; ack: { conversationId: string } };
  'user:status': { payload: UserStatus; ack: { status: UserStatus } };
  'notification:read': { payload: NotificationReadPayload; ack: NotificationReadResult };
  'notification:delete': { payload: NotificationDeletePayload; ack: { id: string } };
}

/** Names of the client→server events. */
export type ClientEventName = keyof ClientEventMap;
/** The payload (first argument) of a client→server event; `Nothing` when it takes none. */
export type PayloadOf<E extends ClientEventName> = ClientEventMap[E]['payload'];
/** The `data` of a client→server event's successful acknowledgement. */
export type AckDataOf<E extends ClientEventName> = ClientEventMap[E]['ack'];

type PayloadArgs<P> = [P] extends [Nothing] ? [] : unknown extends P ? [payload?: P] : [payload: P];

/** Events a client may emit (socket.io's shape of ClientEventMap): payload, then an optional ack callback. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (...args: [...PayloadArgs<PayloadOf<E>>, AckCallback<AckDataOf<E>>?]) => void;
};

/**
 * Events the server emits. Publications arrive under their own event name
 * (`trip:updated`, …) with `(data, PublicationMeta)`: those names are chosen by the
 * app, so the publish path emits them through an untyped view and clients listen
 * with `socket.on(name, (data, meta) => …)`.
 */
export interface ServerToClientEvents {
  connected: (payload: ConnectedPayload) => void;
  pong: (payload: PongPayload) => void;
  status_response: (payload: StatusResponsePayload) => void;
  info_response: (payload: InfoResponsePayload) => void;
  echo_response: (payload: EchoResponsePayload) => void;
  message_received: (payload: MessageReceivedPayload) => void;
  error: (payload: ErrorEventPayload) => void;
  notification: (payload: Notification) => void;
  'notification:updated': (payload: { id: string; read: boolean }) => void;
  'notification:deleted': (payload: { id: string }) => void;
  broadcast: (payload: BroadcastPayload) => void;
  'user:joined': (payload: ChannelMemberPayload) => void;
  'user:left': (payload: ChannelMemberPayload) => void;
  'message:new': (payload: Message) => void;
  'message:updated': (payload: Message) => void;
  'message:deleted': (payload: MessageDeletedPayload) => void;
  'message:delivered': (payload: MessageDeliveredPayload) => void;
  'message:read': (payload: MessageReadEventPayload) => void;
  'typing:start': (payload: TypingPayload) => void;
  'typing:stop': (payload: TypingPayload) => void;
  'user:online': (payload: UserOnlinePayload) => void;
  'user:offline': (payload: UserOfflinePayload) => void;
  'user:status': (payload: UserOnlinePayload) => void;
  'conversation:updated': (payload: Conversation) => void;
  'conversation:deleted': (payload: { conversationId: string }) => void;
  'kafka-event': (payload: KafkaEventPayload, meta: PublicationMeta) => void;
  'auth:expiring': (payload: AuthExpiringPayload) => void;
}

/**
 * Server-to-server events between nodes (through the socket.io adapter's
 * `serverSideEmit`). A feature adds its own by declaration merging.
 */
export interface InterServerEvents {
  /** Each node answers the member count of its own rooms (GET /api/rooms, stats). */
  'rooms:count': (answer: (counts: Record<string, number>) => void) => void;
}

/** Per-socket data kept by the server (readable by `fetchSockets()` on any node). */
export interface SocketData {
  userId: string;
  isLoggedIn: boolean;
  roles: string[];
  name?: string;
  /** `jwt` or `session`: how the connection authenticated. */
  authKind: 'jwt' | 'session';
  sessionId?: string;
  /** Epoch ms when the credentials expire, or null. */
  expiresAt: number | null;
}

/** Names of the server→client events. */
export type ServerEventName = keyof ServerToClientEvents;
