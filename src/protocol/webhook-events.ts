/**
 * The outbound webhook events (PROTOCOL.md, "Outbound webhooks"): what an app backend
 * receives as `POST {url}` with body `{ id, type, createdAt, data }`, signed per the
 * Standard Webhooks specification. Shared by the server and receivers written in
 * TypeScript.
 */
import type { Message, Notification, UserStatus } from './shapes.js';

/** `data` of each webhook event type. */
export interface WebhookEventMap {
  'user.online': { userId: string; status: UserStatus };
  /** After the offline grace (a reload sends nothing); `lastSeen` is ISO 8601. */
  'user.offline': { userId: string; lastSeen: string };
  'channel.occupied': { channel: string };
  'channel.vacated': { channel: string };
  'member.joined': { channel: string; userId: string };
  'member.left': { channel: string; userId: string };
  /** Every chat message; `online` says whether any device of that member was connected. */
  'message.created': { message: Message; recipients: Array<{ userId: string; online: boolean }> };
  'notification.created': { notification: Notification; userId: string; online: boolean };
  /** A client publish on a namespace with `webhookClientEvents`. */
  'client.event': { channel: string; event: string; data: unknown; userId: string };
}

export type WebhookEventType = keyof WebhookEventMap;

export const WEBHOOK_EVENT_TYPES = [
  'user.online',
  'user.offline',
  'channel.occupied',
  'channel.vacated',
  'member.joined',
  'member.left',
  'message.created',
  'notification.created',
  'client.event',
] as const satisfies readonly WebhookEventType[];

/** The body of one webhook request; `id` is also the `webhook-id` header, the same on every retry. */
export type WebhookPayload<T extends WebhookEventType = WebhookEventType> = {
  [K in T]: { id: string; type: K; createdAt: string; data: WebhookEventMap[K] };
}[T];
