/**
 * A signed sample event for a receiver to test its endpoint with (`switchboard
 * webhook verify`): the same sender, signing and body shape as real deliveries.
 */
import { randomBytes } from 'node:crypto';
import type { DomainEvent } from '../core/domain-events.js';
import { newId } from '../core/ids.js';
import type { WebhookEventType, WebhookPayload } from '../protocol/webhook-events.js';
import { type SendResult, WebhookSender } from './sender.js';

const now = () => new Date().toISOString();

/** Plausible `data` of each type. */
const SAMPLES: { [K in WebhookEventType]: () => Extract<DomainEvent, { type: K }>['data'] } = {
  'user.online': () => ({ userId: 'sample-user', status: 'online' }),
  'user.offline': () => ({ userId: 'sample-user', lastSeen: now() }),
  'channel.occupied': () => ({ channel: 'room:sample' }),
  'channel.vacated': () => ({ channel: 'room:sample' }),
  'member.joined': () => ({ channel: 'room:sample', userId: 'sample-user' }),
  'member.left': () => ({ channel: 'room:sample', userId: 'sample-user' }),
  'message.created': () => ({
    message: {
      id: newId(),
      conversationId: 'sample-conversation',
      senderId: 'sample-user',
      content: 'Hello',
      type: 'text',
      createdAt: now(),
    },
    recipients: [{ userId: 'sample-recipient', online: false }],
  }),
  'notification.created': () => ({
    notification: { id: newId(), type: 'info', title: 'Sample', message: 'A sample notification', read: false, timestamp: now() },
    userId: 'sample-user',
    online: false,
  }),
  'client.event': () => ({ channel: 'room:sample', event: 'sample', data: { hello: 'world' }, userId: 'sample-user' }),
};

export interface SampleOptions {
  url: string;
  secret: string;
  type: WebhookEventType;
  /** @default 5000 */
  timeoutMs?: number;
}

/** Sends one signed sample event; resolves with its id, body and what the endpoint answered. */
export async function sendSampleEvent(options: SampleOptions): Promise<{ webhookId: string; body: string; result: SendResult }> {
  const webhookId = `msg_${newId()}`;
  const payload = { id: webhookId, type: options.type, createdAt: now(), data: SAMPLES[options.type]() } as WebhookPayload;
  const body = JSON.stringify(payload);
  const endpoint = { url: options.url, secret: options.secret, timeoutMs: options.timeoutMs ?? 5000, wants: () => true };
  const result = await new WebhookSender('Switchboard-Webhooks/1 (verify)').send(endpoint, webhookId, body);
  return { webhookId, body, result };
}

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
