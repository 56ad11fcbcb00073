import { describe, expect, it } from 'vitest';
import { createConversation, startChatServer } from '../../test/support/chat.js';
import { emitAck, expectNoEvent, nextEvent } from '../../test/support/client.js';

describe('typing and viewing', () => {
  it('sends typing:start and typing:stop to the other members only', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'group', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: alice2 } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const started = nextEvent(bob, 'typing:start');
    expect(await emitAck(alice, 'typing:start', { conversationId: conversation.id })).toEqual({ ok: true });
    expect(await started).toEqual({ userId: 'alice', conversationId: conversation.id });
    const stopped = nextEvent(bob, 'typing:stop');
    await emitAck(alice, 'typing:stop', { conversationId: conversation.id });
    expect(await stopped).toEqual({ userId: 'alice', conversationId: conversation.id });
    await expectNoEvent(alice2, 'typing:start');
  });

  it('expires a start without a stop after typing.timeoutMs', async () => {
    const server = await startChatServer({ config: { typing: { timeoutMs: 150 } } });
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const stopped = nextEvent(bob, 'typing:stop');
    await emitAck(alice, 'typing:start', { conversationId: conversation.id });
    expect(await stopped).toEqual({ userId: 'alice', conversationId: conversation.id });
    // once expired, nothing more follows
    await expectNoEvent(bob, 'typing:stop', 300);
  });

  it('stops typing when the typing socket disconnects', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: bob } = await server.connect('bob');
    const started = nextEvent(bob, 'typing:start');
    await emitAck(alice, 'typing:start', { conversationId: conversation.id });
    await started;
    const stopped = nextEvent(bob, 'typing:stop');
    alice.disconnect();
    expect(await stopped).toEqual({ userId: 'alice', conversationId: conversation.id });
  });

  it('joins and leaves the viewing room for members only', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket: alice } = await server.connect('alice');
    const { socket: mallory } = await server.connect('mallory');
    expect(await emitAck(alice, 'conversation:join', conversation.id)).toEqual({ ok: true, data: { conversationId: conversation.id } });
    const status = nextEvent<{ connection: { rooms: string[] } }>(alice, 'status_response');
    await emitAck(alice, 'status');
    expect((await status).connection.rooms).toContain(`conversation:${conversation.id}`);
    expect(await emitAck(alice, 'conversation:leave', { conversationId: conversation.id })).toMatchObject({ ok: true });
    const after = nextEvent<{ connection: { rooms: string[] } }>(alice, 'status_response');
    await emitAck(alice, 'status');
    expect((await after).connection.rooms).not.toContain(`conversation:${conversation.id}`);
    expect(await emitAck(mallory, 'conversation:join', conversation.id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await emitAck(mallory, 'conversation:join', 'missing')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await emitAck(mallory, 'conversation:join', 42)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});
