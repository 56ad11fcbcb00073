/**
 * The client flows of the two seeds, end to end, as their documents show them:
 * the chat seed (004: conversation rooms, message:send with type, typing, status,
 * delivery and read receipts) and the social seed (003: a DM addressed by receiverId,
 * read confirmation, deletion).
 */
import { describe, expect, it } from 'vitest';
import { createConversation, startChatServer } from '../../test/support/chat.js';
import { emitAck, nextEvent } from '../../test/support/client.js';
import type { Message } from '../protocol/shapes.js';

describe('seed client flows', () => {
  it('runs the chat seed flow: connect, join, type, send, deliver, read, status', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'user-789', { kind: 'group', memberIds: ['user-123'], title: 'conv' });
    const { socket: sender, connected } = await server.connect('user-789');
    expect(connected).toMatchObject({ userId: 'user-789', socketId: sender.id, unreadMessages: 0 });
    const { socket: receiver } = await server.connect('user-123');
    expect(await emitAck(sender, 'conversation:join', conversation.id)).toMatchObject({ ok: true });
    expect(await emitAck(receiver, 'conversation:join', conversation.id)).toMatchObject({ ok: true });

    const typing = nextEvent(receiver, 'typing:start');
    sender.emit('typing:start', { conversationId: conversation.id });
    expect(await typing).toEqual({ userId: 'user-789', conversationId: conversation.id });
    const typingStop = nextEvent(receiver, 'typing:stop');
    sender.emit('typing:stop', { conversationId: conversation.id });
    await typingStop;

    const incoming = nextEvent<Message>(receiver, 'message:new');
    // the seed emits without a callback; the message still arrives
    sender.emit('message:send', { conversationId: conversation.id, content: 'Hello, world!', type: 'text' });
    const message = await incoming;
    expect(message).toMatchObject({ conversationId: conversation.id, senderId: 'user-789', content: 'Hello, world!', type: 'text' });

    const delivered = nextEvent(sender, 'message:delivered');
    receiver.emit('message:delivered', { messageId: message.id });
    expect(await delivered).toEqual({ messageId: message.id, conversationId: conversation.id, userId: 'user-123' });
    const read = nextEvent(sender, 'message:read');
    receiver.emit('message:read', { conversationId: conversation.id, messageId: message.id });
    expect(await read).toMatchObject({ messageId: message.id, userId: 'user-123' });

    const status = nextEvent(receiver, 'user:online');
    sender.emit('user:status', 'busy');
    expect(await status).toEqual({ userId: 'user-789', status: 'busy' });
    expect(await emitAck(sender, 'conversation:leave', conversation.id)).toMatchObject({ ok: true });
  });

  it('runs the social seed DM flow: send by receiverId, read confirmation, deletion', async () => {
    const server = await startChatServer();
    const { socket: alice } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const received = nextEvent<Message>(bob, 'message:new');
    const ack = await emitAck<{ message: Message }>(alice, 'message:send', { receiverId: 'bob', content: 'hey bob' });
    expect(ack.ok).toBe(true);
    const message = await received;
    expect(message).toEqual((ack as { data: { message: Message } }).data.message);

    const readConfirmation = nextEvent(alice, 'message:read');
    await emitAck(bob, 'message:read', { conversationId: message.conversationId, messageId: message.id });
    expect(await readConfirmation).toMatchObject({ messageId: message.id, userId: 'bob', readAt: expect.any(String) });

    const deleted = nextEvent(bob, 'message:deleted');
    await emitAck(alice, 'message:delete', { messageId: message.id });
    expect(await deleted).toEqual({ messageId: message.id, conversationId: message.conversationId, deletedBy: 'alice' });

    const list = await server.request('GET', '/api/conversations', { token: await server.token('bob') });
    expect(list.body.conversations).toEqual([
      expect.objectContaining({ kind: 'direct', memberIds: expect.arrayContaining(['alice', 'bob']), unreadCount: 0 }),
    ]);
  });

  it('serves the browser client for examples/chat.html', async () => {
    const server = await startChatServer();
    const res = await fetch(`${server.url}/socket.io/socket.io.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('io');
  });
});
