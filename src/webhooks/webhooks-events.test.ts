/**
 * Every webhook event type reaches a real HTTP receiver that verifies each signature
 * with `standardwebhooks`, and a page reload within the offline grace sends nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { subscribeOk } from '../../test/support/channels.js';
import { createConversation, send } from '../../test/support/chat.js';
import { cleanupAll } from '../../test/support/cleanup.js';
import { emitAck } from '../../test/support/client.js';
import { startTestServer } from '../../test/support/server.js';
import { waitFor } from '../../test/support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import type { SwitchboardConfigInput } from '../config/schema.js';

afterEach(cleanupAll);

function webhookConfig(receiver: WebhookReceiver, extra: SwitchboardConfigInput = {}): SwitchboardConfigInput {
  return {
    webhooks: [{ url: receiver.url, secret: receiver.secret }],
    webhook: { pollIntervalMs: 50, vacatedDebounceMs: 100, retry: { initialDelayMs: 50 } },
    presence: { offlineGraceMs: 200, sweepIntervalMs: 100 },
    channels: { room: { policy: 'public', joinLeave: true, clientPublish: true, webhookClientEvents: true } },
    rateLimits: { default: { points: 10_000, perSeconds: 1 } },
    ...extra,
  };
}

describe('webhook events', () => {
  it('sends each event type, signed, with the data of the contract', async () => {
    const receiver = await startWebhookReceiver();
    const server = await startTestServer({ config: webhookConfig(receiver) });

    const { socket: alice } = await server.connect('alice');
    const online = await waitFor(() => receiver.events('user.online').find((e) => e.data.userId === 'alice'), 10_000, 'user.online');
    expect(online.data).toEqual({ userId: 'alice', status: 'online' });

    await subscribeOk(alice, { channel: 'room:1' });
    await waitFor(() => receiver.events('channel.occupied').length === 1, 10_000, 'channel.occupied');
    expect(receiver.events('channel.occupied')[0]?.data).toEqual({ channel: 'room:1' });
    await waitFor(() => receiver.events('member.joined').length === 1, 10_000, 'member.joined');
    expect(receiver.events('member.joined')[0]?.data).toEqual({ channel: 'room:1', userId: 'alice' });

    expect((await emitAck(alice, 'publish', { channel: 'room:1', event: 'move', data: { x: 1 } })).ok).toBe(true);
    const clientEvent = await waitFor(() => receiver.events('client.event')[0], 10_000, 'client.event');
    expect(clientEvent.data).toEqual({ channel: 'room:1', event: 'move', data: { x: 1 }, userId: 'alice' });

    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['alice', 'bob'] });
    const message = await send(alice, { conversationId: conversation.id, content: 'hi bob' });
    const created = await waitFor(() => receiver.events('message.created')[0], 10_000, 'message.created');
    expect(created.data).toEqual({ message, recipients: [{ userId: 'bob', online: false }] });

    const notified = await server.request('POST', '/api/notify', {
      apiKey: true,
      body: { userIds: ['bob', 'alice'], type: 'info', title: 'T', message: 'M' },
    });
    expect(notified.status).toBe(202);
    await waitFor(() => receiver.events('notification.created').length === 2, 10_000, 'notification.created');
    const byUser = new Map(receiver.events('notification.created').map((e) => [e.data.userId, e.data]));
    expect(byUser.get('bob')).toMatchObject({ userId: 'bob', online: false, notification: { title: 'T', message: 'M', read: false } });
    expect(byUser.get('alice')).toMatchObject({ userId: 'alice', online: true });
    expect(notified.body.ids).toContain(byUser.get('bob')?.notification.id);

    await emitAck(alice, 'unsubscribe', 'room:1');
    await waitFor(() => receiver.events('member.left').length === 1, 10_000, 'member.left');
    expect(receiver.events('member.left')[0]?.data).toEqual({ channel: 'room:1', userId: 'alice' });
    await waitFor(() => receiver.events('channel.vacated').length === 1, 10_000, 'channel.vacated');
    expect(receiver.events('channel.vacated')[0]?.data).toEqual({ channel: 'room:1' });

    alice.disconnect();
    const offline = await waitFor(() => receiver.events('user.offline')[0], 10_000, 'user.offline');
    expect(offline.data.userId).toBe('alice');
    expect(Date.parse(offline.data.lastSeen)).not.toBeNaN();

    for (const attempt of receiver.accepted) {
      expect(attempt.webhookId).toBe(attempt.payload.id);
      expect(Date.parse(attempt.payload.createdAt)).not.toBeNaN();
    }
    // Each event once: no id was accepted twice.
    const ids = receiver.accepted.map((a) => a.webhookId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.invalid).toEqual([]);
  });

  it('sends notification.created for a scheduled notification when it fires', async () => {
    const receiver = await startWebhookReceiver();
    const server = await startTestServer({ config: webhookConfig(receiver, { notifications: { schedulerIntervalMs: 50 } }) });
    const deliverAt = new Date(Date.now() + 300).toISOString();
    const res = await server.request('POST', '/api/notify', {
      apiKey: true,
      body: { userId: 'erin', type: 'info', title: 'Later', message: 'now', deliverAt },
    });
    expect(res.body.scheduled).toBe(true);
    const event = await waitFor(() => receiver.events('notification.created')[0], 10_000, 'the fired notification');
    expect(event.data).toMatchObject({ userId: 'erin', online: false, notification: { id: res.body.ids[0], title: 'Later' } });
    expect(receiver.invalid).toEqual([]);
  });

  it('sends no user.offline (and no second user.online) for a reload within the grace', async () => {
    const receiver = await startWebhookReceiver();
    const server = await startTestServer({ config: webhookConfig(receiver, { presence: { offlineGraceMs: 1000, sweepIntervalMs: 100 } }) });
    const carol = await server.connect('carol');
    const dave = await server.connect('dave');
    await waitFor(() => receiver.events('user.online').length === 2, 10_000, 'user.online of both');
    // Carol reloads; Dave leaves after her, so his user.offline comes after hers would have.
    carol.socket.disconnect();
    dave.socket.disconnect();
    await server.connect('carol');
    await waitFor(() => receiver.events('user.offline').some((e) => e.data.userId === 'dave'), 10_000, "dave's user.offline");
    expect(receiver.events('user.offline').map((e) => e.data.userId)).toEqual(['dave']);
    expect(receiver.events('user.online').filter((e) => e.data.userId === 'carol')).toHaveLength(1);
    expect(receiver.invalid).toEqual([]);
  });
});
