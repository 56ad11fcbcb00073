/**
 * Two real nodes on PostgreSQL and Redis, one receiver: each event is decided once
 * cluster-wide (presence, occupancy, membership) and sent once, whichever node saw it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { subscribeOk } from '../../test/support/channels.js';
import { createConversation, send } from '../../test/support/chat.js';
import { cleanupAll } from '../../test/support/cleanup.js';
import { emitAck } from '../../test/support/client.js';
import { testCluster } from '../../test/support/cluster.js';
import { postgresUnavailable, redisUnavailable } from '../../test/support/services.js';
import { waitFor } from '../../test/support/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import type { SwitchboardConfigInput } from '../config/schema.js';

const reason = (await redisUnavailable()) ?? (await postgresUnavailable());

afterEach(cleanupAll);

function nodeConfig(receiver: WebhookReceiver): SwitchboardConfigInput {
  return {
    webhooks: [{ url: receiver.url, secret: receiver.secret }],
    webhook: { pollIntervalMs: 50, vacatedDebounceMs: 100 },
    presence: { offlineGraceMs: 200, sweepIntervalMs: 100 },
    channels: { room: { policy: 'public', joinLeave: true, clientPublish: true, webhookClientEvents: true } },
    rateLimits: { default: { points: 10_000, perSeconds: 1 } },
  };
}

const count = (receiver: WebhookReceiver, type: Parameters<WebhookReceiver['events']>[0]) => receiver.events(type).length;

describe.skipIf(reason !== undefined)('webhooks on two nodes (PostgreSQL + Redis)', () => {
  it('sends each event once', async () => {
    const receiver = await startWebhookReceiver();
    const cluster = testCluster();
    const a = await cluster.node(nodeConfig(receiver));
    const b = await cluster.node(nodeConfig(receiver));

    const alice = await a.connect('alice');
    const alicePhone = await b.connect('alice');
    const bob = await b.connect('bob');
    await waitFor(() => count(receiver, 'user.online') === 2, 10_000, 'user.online of alice and bob');

    await subscribeOk(alice.socket, { channel: 'room:1' });
    await subscribeOk(alicePhone.socket, { channel: 'room:1' });
    await subscribeOk(bob.socket, { channel: 'room:1' });
    await waitFor(() => count(receiver, 'member.joined') === 2, 10_000, 'member.joined of alice and bob');
    await waitFor(() => count(receiver, 'channel.occupied') === 1, 10_000, 'channel.occupied');

    await emitAck(bob.socket, 'publish', { channel: 'room:1', event: 'wave', data: 1 });
    const conversation = await createConversation(a, 'alice', { kind: 'direct', memberIds: ['alice', 'bob'] });
    await send(alice.socket, { conversationId: conversation.id, content: 'hi' });
    await b.request('POST', '/api/notify', { apiKey: true, body: { userId: 'alice', type: 'info', title: 'T', message: 'M' } });
    await waitFor(() => count(receiver, 'client.event') === 1, 10_000, 'client.event');
    const [created] = await waitFor(() => (count(receiver, 'message.created') === 1 ? receiver.events('message.created') : undefined));
    expect(created?.data.recipients).toEqual([{ userId: 'bob', online: true }]);
    const [notification] = await waitFor(() =>
      count(receiver, 'notification.created') === 1 ? receiver.events('notification.created') : undefined,
    );
    expect(notification?.data).toMatchObject({ userId: 'alice', online: true });

    // Alice's first device leaving changes nothing: her phone is still in the room.
    alice.socket.disconnect();
    bob.socket.disconnect();
    await waitFor(() => count(receiver, 'member.left') === 1, 10_000, "bob's member.left");
    await emitAck(alicePhone.socket, 'unsubscribe', 'room:1');
    await waitFor(() => count(receiver, 'member.left') === 2, 10_000, "alice's member.left");
    await waitFor(() => count(receiver, 'channel.vacated') === 1, 10_000, 'channel.vacated');
    alicePhone.socket.disconnect();
    await waitFor(() => count(receiver, 'user.offline') === 2, 10_000, 'user.offline of alice and bob');

    // A last event through node A: everything stored before it has been sent by then.
    await a.request('POST', '/api/notify', { apiKey: true, body: { userId: 'zed', type: 'info', title: 'end', message: 'end' } });
    await waitFor(() => count(receiver, 'notification.created') === 2, 10_000, 'the closing event');

    const ids = receiver.attempts.map((attempt) => attempt.webhookId);
    expect(new Set(ids).size).toBe(ids.length);
    const types = receiver.accepted.map((attempt) => attempt.payload.type).sort();
    expect(types).toEqual(
      [
        'channel.occupied',
        'channel.vacated',
        'client.event',
        'member.joined',
        'member.joined',
        'member.left',
        'member.left',
        'message.created',
        'notification.created',
        'notification.created',
        'user.offline',
        'user.offline',
        'user.online',
        'user.online',
      ].sort(),
    );
    expect(receiver.events('member.left').map((e) => e.data.userId)).toEqual(['bob', 'alice']);
    expect(receiver.invalid).toEqual([]);
  });

  it('a node that dies: a survivor sends channel.vacated, member.left and user.offline for its sockets', async () => {
    const receiver = await startWebhookReceiver();
    const cluster = testCluster();
    const config = { ...nodeConfig(receiver), redis: { heartbeatIntervalMs: 200, nodeTimeoutMs: 1500 } };
    const doomed = await cluster.spawn(config);
    await cluster.node(config);
    const { socket } = await doomed.connect('alice');
    await subscribeOk(socket, { channel: 'room:9' });
    await waitFor(() => count(receiver, 'channel.occupied') === 1 && count(receiver, 'member.joined') === 1, 20_000, 'occupied');

    await doomed.kill();
    await waitFor(() => count(receiver, 'channel.vacated') === 1, 20_000, 'channel.vacated from the survivor');
    await waitFor(() => count(receiver, 'member.left') === 1, 20_000, 'member.left from the survivor');
    await waitFor(() => count(receiver, 'user.offline') === 1, 20_000, 'user.offline from the survivor');
    expect(receiver.events('channel.vacated')[0]?.data).toEqual({ channel: 'room:9' });
    expect(receiver.events('member.left')[0]?.data).toEqual({ channel: 'room:9', userId: 'alice' });
    const ids = receiver.accepted.map((attempt) => attempt.webhookId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.invalid).toEqual([]);
  });
});
