import { describe, expect, it } from 'vitest';
import { createConversation, send, startChatServer } from '../../test/support/chat.js';
import { collect, emitAck, expectNoEvent, nextEvent } from '../../test/support/client.js';

describe('receipts and unread counts', () => {
  it('tells the sender once per recipient when a device confirms delivery', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'group', memberIds: ['bob', 'carol'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: bob1 } = await server.connect('bob');
    const { socket: bob2 } = await server.connect('bob');
    const { socket: carol } = await server.connect('carol');
    const receipts = collect(alice, 'message:delivered');
    const message = await send(alice, { conversationId: conversation.id, content: 'ping' });

    const fromBob = nextEvent(alice, 'message:delivered');
    expect(await emitAck(bob1, 'message:delivered', { messageId: message.id })).toEqual({ ok: true });
    expect(await fromBob).toEqual({ messageId: message.id, conversationId: conversation.id, userId: 'bob' });
    // bob's second device confirming again is not news for the sender
    expect(await emitAck(bob2, 'message:delivered', { messageId: message.id })).toEqual({ ok: true });
    const fromCarol = nextEvent(alice, 'message:delivered');
    await emitAck(carol, 'message:delivered', { messageId: message.id });
    expect(await fromCarol).toMatchObject({ userId: 'carol' });
    expect(receipts.map((r) => (r as { userId: string }).userId)).toEqual(['bob', 'carol']);
    // the sender's own devices confirming is a no-op; unknown messages are NOT_FOUND
    expect(await emitAck(alice, 'message:delivered', { messageId: message.id })).toEqual({ ok: true });
    expect(await emitAck(bob1, 'message:delivered', { messageId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await expectNoEvent(bob1, 'message:delivered');
  });

  it('marks read up to a message, tells the other members, and drives unread counts per conversation and in connected', async () => {
    const server = await startChatServer();
    const group = await createConversation(server, 'alice', { kind: 'group', memberIds: ['bob', 'carol'] });
    const direct = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const m1 = await send(alice, { conversationId: group.id, content: '1' });
    const m2 = await send(alice, { conversationId: group.id, content: '2' });
    const m3 = await send(alice, { conversationId: group.id, content: '3' });
    await send(alice, { conversationId: direct.id, content: 'd' });

    const { socket: bob, connected } = await server.connect('bob');
    expect((connected as unknown as { unreadMessages: number }).unreadMessages).toBe(4);
    const unread = async () => {
      const res = await server.request('GET', '/api/conversations', { token: await server.token('bob') });
      return Object.fromEntries(res.body.conversations.map((c: { id: string; unreadCount: number }) => [c.id, c.unreadCount]));
    };
    expect(await unread()).toEqual({ [group.id]: 3, [direct.id]: 1 });

    const { socket: carol } = await server.connect('carol');
    const toAlice = nextEvent(alice, 'message:read');
    const toCarol = nextEvent(carol, 'message:read');
    const ack = await emitAck<{ readAt: string }>(bob, 'message:read', { conversationId: group.id, messageId: m2.id });
    expect(ack.ok).toBe(true);
    const expected = { conversationId: group.id, messageId: m2.id, userId: 'bob', readAt: expect.any(String) };
    expect(await toAlice).toEqual(expected);
    expect(await toCarol).toEqual(expected);
    await expectNoEvent(bob, 'message:read');
    expect(await unread()).toEqual({ [group.id]: 1, [direct.id]: 1 });

    // reading an older message does not move the marker back (and says nothing)
    await emitAck(bob, 'message:read', { conversationId: group.id, messageId: m1.id });
    await expectNoEvent(alice, 'message:read');
    expect(await unread()).toEqual({ [group.id]: 1, [direct.id]: 1 });

    // the sender's own messages are never unread for them; deleted ones stop counting
    await emitAck(alice, 'message:delete', { messageId: m3.id });
    expect(await unread()).toEqual({ [group.id]: 0, [direct.id]: 1 });
    const { connected: again } = await server.connect('bob');
    expect((again as unknown as { unreadMessages: number }).unreadMessages).toBe(1);
    const { connected: sender } = await server.connect('alice');
    expect((sender as unknown as { unreadMessages: number }).unreadMessages).toBe(0);

    // a message from another conversation is NOT_FOUND here
    expect(await emitAck(bob, 'message:read', { conversationId: direct.id, messageId: m1.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('does not count history from before a member joined a group as unread', async () => {
    const server = await startChatServer();
    const group = await createConversation(server, 'alice', { kind: 'group', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    await send(alice, { conversationId: group.id, content: 'before dave' });
    await server.request('PUT', `/api/conversations/${group.id}/members/dave`, { apiKey: true });
    await send(alice, { conversationId: group.id, content: 'after dave' });
    const { connected } = await server.connect('dave');
    expect((connected as unknown as { unreadMessages: number }).unreadMessages).toBe(1);
  });
});
