import { describe, expect, it } from 'vitest';
import { createConversation, send, startChatServer } from '../../test/support/chat.js';
import { collect, emitAck, expectNoEvent, nextEvent } from '../../test/support/client.js';
import type { Message } from '../protocol/shapes.js';

describe('messages', () => {
  it("delivers message:new to every device of every member, the sender's other devices included, in send order", async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'group', memberIds: ['bob'] });
    const { socket: alice1 } = await server.connect('alice');
    const { socket: alice2 } = await server.connect('alice');
    const { socket: bob1 } = await server.connect('bob');
    const { socket: bob2 } = await server.connect('bob');
    const seen = [alice1, alice2, bob1, bob2].map((s) => collect<Message>(s, 'message:new'));
    const everyone = [alice1, alice2, bob1, bob2].map((s) => nextEvent<Message>(s, 'message:new'));

    const message = await send(alice1, { conversationId: conversation.id, content: 'hi all', clientMessageId: 'c1' });
    expect(message).toMatchObject({
      conversationId: conversation.id,
      senderId: 'alice',
      content: 'hi all',
      type: 'text',
      clientMessageId: 'c1',
    });
    expect(message.id).toMatch(/^[0-9A-Z]{26}$/);
    for (const received of await Promise.all(everyone)) expect(received).toEqual(message);

    const secondArrives = nextEvent(alice2, 'message:new');
    const second = await send(bob2, { conversationId: conversation.id, content: 'hello' });
    await secondArrives;
    expect(seen[1]?.map((m) => m.id)).toEqual([message.id, second.id]);
    expect(second.id > message.id).toBe(true);
  });

  it('sends over HTTP through the same path, with 201, and the socket members receive it', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: bob } = await server.connect('bob');
    const arrived = nextEvent<Message>(bob, 'message:new');
    const res = await server.request('POST', `/api/conversations/${conversation.id}/messages`, {
      token: await server.token('alice'),
      body: { content: 'over http', clientMessageId: 'h1' },
    });
    expect(res.status).toBe(201);
    expect(res.body.ok).toBe(true);
    expect(await arrived).toEqual(res.body.message);
    const retry = await server.request('POST', `/api/conversations/${conversation.id}/messages`, {
      token: await server.token('alice'),
      body: { content: 'over http', clientMessageId: 'h1' },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.message.id).toBe(res.body.message.id);
  });

  it('stores a retried clientMessageId once and answers the retry with the original message', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const received = collect<Message>(bob, 'message:new');
    const payload = { conversationId: conversation.id, content: 'once', clientMessageId: 'retry-1' };
    const acks = await Promise.all([send(alice, payload), send(alice, payload), send(alice, payload)]);
    expect(new Set(acks.map((m) => m.id)).size).toBe(1);
    const laterArrives = nextEvent(bob, 'message:new');
    const later = await send(alice, { conversationId: conversation.id, content: 'after' });
    await laterArrives;
    const history = await server.request('GET', `/api/conversations/${conversation.id}/messages`, { token: await server.token('bob') });
    expect(history.body.messages.map((m: Message) => m.content)).toEqual(['after', 'once']);
    expect(received.filter((m) => m.clientMessageId === 'retry-1')).toHaveLength(1);
    expect(later.id).not.toBe(acks[0]?.id);
    // the same clientMessageId from another sender is another message
    const fromBob = await send(bob, { conversationId: conversation.id, content: 'mine', clientMessageId: 'retry-1' });
    expect(fromBob.id).not.toBe(acks[0]?.id);
  });

  it('creates the direct conversation from a receiverId (the social seed DM) and reuses it', async () => {
    const server = await startChatServer();
    const { socket: alice } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const announced = nextEvent(bob, 'conversation:updated');
    const arrived = nextEvent<Message>(bob, 'message:new');
    const first = await send(alice, { receiverId: 'bob', content: 'dm' });
    expect(await announced).toMatchObject({ id: first.conversationId, kind: 'direct' });
    expect((await arrived).id).toBe(first.id);
    const reply = await send(bob, { receiverId: 'alice', content: 'dm back' });
    expect(reply.conversationId).toBe(first.conversationId);
    const self = await emitAck(alice, 'message:send', { receiverId: 'alice', content: 'me' });
    expect(self).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });

  it('refuses bad content: VALIDATION_FAILED for empty or unknown types, PAYLOAD_TOO_LARGE past the limit', async () => {
    const server = await startChatServer({
      config: { chat: { maxContentLength: 10, messageTypes: ['text', 'image'], maxGroupMembers: 50 } },
    });
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket } = await server.connect('alice');
    const attempt = (payload: Record<string, unknown>) => emitAck(socket, 'message:send', { conversationId: conversation.id, ...payload });
    expect(await attempt({ content: '   ' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await attempt({ content: 'x', type: 'video' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await attempt({})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await emitAck(socket, 'message:send', { content: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await attempt({ content: '12345678901' })).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE', details: { maxContentLength: 10 } },
    });
    expect(await attempt({ content: '1234567890', type: 'image' })).toMatchObject({ ok: true });
    expect(await attempt({ content: 'reply', replyTo: 'not-a-message' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    const tooLong = await server.request('POST', `/api/conversations/${conversation.id}/messages`, {
      token: await server.token('alice'),
      body: { content: 'x'.repeat(11) },
    });
    expect(tooLong.status).toBe(413);
    // no ack: the failure arrives as an `error` event naming the event
    const error = nextEvent(socket, 'error');
    socket.emit('message:send', { conversationId: conversation.id, content: '' });
    expect(await error).toMatchObject({ code: 'VALIDATION_FAILED', event: 'message:send' });
  });

  it('keeps a non-member out: no send, history, join, typing or delivery', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: mallory } = await server.connect('mallory');
    const refused = { ok: false, error: { code: 'FORBIDDEN' } };
    expect(await emitAck(mallory, 'message:send', { conversationId: conversation.id, content: 'let me in' })).toMatchObject(refused);
    expect(await emitAck(mallory, 'conversation:join', conversation.id)).toMatchObject(refused);
    expect(await emitAck(mallory, 'typing:start', { conversationId: conversation.id })).toMatchObject(refused);
    expect(await emitAck(mallory, 'subscribe', `conversation:${conversation.id}`)).toMatchObject({ ok: false });
    const history = await server.request('GET', `/api/conversations/${conversation.id}/messages`, { token: await server.token('mallory') });
    expect(history.status).toBe(403);
    const post = await server.request('POST', `/api/conversations/${conversation.id}/messages`, {
      token: await server.token('mallory'),
      body: { content: 'x' },
    });
    expect(post.status).toBe(403);
    expect(await emitAck(mallory, 'message:send', { conversationId: 'no-such-conversation', content: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    const message = await send(alice, { conversationId: conversation.id, content: 'private' });
    await emitAck(alice, 'typing:start', { conversationId: conversation.id });
    expect(await emitAck(mallory, 'message:delivered', { messageId: message.id })).toMatchObject(refused);
    expect(await emitAck(mallory, 'message:read', { conversationId: conversation.id, messageId: message.id })).toMatchObject(refused);
    expect(await emitAck(mallory, 'message:delete', { messageId: message.id })).toMatchObject(refused);
    await Promise.all(['message:new', 'typing:start', 'conversation:updated'].map((event) => expectNoEvent(mallory, event)));
    const list = await server.request('GET', '/api/conversations', { token: await server.token('mallory') });
    expect(list.body.conversations).toEqual([]);
  });

  it('lets only the sender edit, and the sender or an admin delete; history keeps deleted messages empty', async () => {
    const server = await startChatServer();
    const group = await createConversation(server, 'owner', { kind: 'group', memberIds: ['alice', 'bob', 'carol'] });
    await server.request('PUT', `/api/conversations/${group.id}/members/carol`, {
      token: await server.token('owner'),
      body: { role: 'admin' },
    });
    const { socket: alice } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const { socket: carol } = await server.connect('carol');
    const first = await send(alice, { conversationId: group.id, content: 'first' });
    const second = await send(alice, { conversationId: group.id, content: 'second' });

    expect(await emitAck(bob, 'message:edit', { messageId: first.id, content: 'hacked' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const updated = nextEvent<Message>(bob, 'message:updated');
    const edit = await emitAck<{ message: Message }>(alice, 'message:edit', { messageId: first.id, content: 'first (edited)' });
    expect(edit.ok).toBe(true);
    expect(await updated).toMatchObject({ id: first.id, content: 'first (edited)', editedAt: expect.any(String) });

    expect(await emitAck(bob, 'message:delete', { messageId: first.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const deletedBySender = nextEvent(bob, 'message:deleted');
    expect(await emitAck(alice, 'message:delete', { messageId: first.id })).toMatchObject({ ok: true, data: { messageId: first.id } });
    expect(await deletedBySender).toEqual({ messageId: first.id, conversationId: group.id, deletedBy: 'alice' });
    const deletedByAdmin = nextEvent(alice, 'message:deleted');
    expect(await emitAck(carol, 'message:delete', { messageId: second.id })).toMatchObject({ ok: true });
    expect(await deletedByAdmin).toEqual({ messageId: second.id, conversationId: group.id, deletedBy: 'carol' });
    // a user with the admin role in their token may delete too
    const third = await send(bob, { conversationId: group.id, content: 'third' });
    const { socket: moderator } = await server.connect('owner', { roles: ['admin'] });
    expect(await emitAck(moderator, 'message:delete', { messageId: third.id })).toMatchObject({ ok: true });
    expect(await emitAck(alice, 'message:edit', { messageId: first.id, content: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    const history = await server.request('GET', `/api/conversations/${group.id}/messages`, { token: await server.token('bob') });
    expect(history.body.messages).toEqual([
      expect.objectContaining({ id: third.id, deleted: true, content: '' }),
      expect.objectContaining({ id: second.id, deleted: true, content: '' }),
      expect.objectContaining({ id: first.id, deleted: true, content: '' }),
    ]);
  });

  it('pages history newest first with a cursor that stays stable while new messages arrive', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const sent: Message[] = [];
    for (let i = 0; i < 7; i++) sent.push(await send(alice, { conversationId: conversation.id, content: `m${i}` }));
    const token = await server.token('bob');
    const page1 = await server.request('GET', `/api/conversations/${conversation.id}/messages?limit=3`, { token });
    expect(page1.body.messages.map((m: Message) => m.content)).toEqual(['m6', 'm5', 'm4']);
    await send(alice, { conversationId: conversation.id, content: 'new while paging' });
    const page2 = await server.request('GET', `/api/conversations/${conversation.id}/messages?limit=3&before=${page1.body.nextCursor}`, {
      token,
    });
    expect(page2.body.messages.map((m: Message) => m.content)).toEqual(['m3', 'm2', 'm1']);
    const page3 = await server.request('GET', `/api/conversations/${conversation.id}/messages?limit=3&before=${page2.body.nextCursor}`, {
      token,
    });
    expect(page3.body.messages.map((m: Message) => m.content)).toEqual(['m0']);
    expect(page3.body.nextCursor).toBeNull();
    const bad = await server.request('GET', `/api/conversations/${conversation.id}/messages?limit=0`, { token });
    expect(bad.status).toBe(400);
  });
});
