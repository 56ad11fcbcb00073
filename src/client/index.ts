/**
 * `switchboard/client`: the typed client SDK (browser and Node). Depends on
 * socket.io-client only. See docs/client.md.
 */

export type { ConnectedPayload, Conversation, Message, Notification, Publication } from '../protocol/index.js';
export type { BackoffOptions } from './backoff.js';
export type { Chat, ChatEvents, ChatSendInput, TypingEvent } from './chat.js';
export { createClient, type SwitchboardClient } from './client.js';
export type { ClientEvents, ClientSocket } from './connection.js';
export { type ClientErrorCode, SwitchboardError, type SwitchboardErrorCode } from './errors.js';
export type { Inbox, InboxEvents, InboxListOptions } from './inbox.js';
export type { PresenceListener, PresenceWatch } from './presence.js';
export type { ChannelEvents, ChannelPublication, SubscribeOptions, Subscription, SubscriptionState } from './subscription.js';
export type { CallArgs, CallResult, ClientOptions, ConnectionState, Presence } from './types.js';
