import { describe, expect, it } from 'vitest';
import { createConversation, startChatServer } from '../../test/support/chat.js';
import { emitAck, nextEvent } from '../../test/support/client.js';

describe('chat rate limits', () => {
  it('answers RATE_LIMITED with retryAfterMs per event rule, and typing:* shares one bucket', async () => {
    const server = await startChatServer({
      config: {
        rateLimits: {
          default: { points: 100, perSeconds: 1 },
          'message:send': { points: 2, perSeconds: 60 },
          'typing:*': { points: 3, perSeconds: 30 },
        },
      },
    });
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket } = await server.connect('alice');
    const payload = { conversationId: conversation.id, content: 'hi' };
    expect((await emitAck(socket, 'message:send', payload)).ok).toBe(true);
    expect((await emitAck(socket, 'message:send', payload)).ok).toBe(true);
    const refused = await emitAck(socket, 'message:send', payload);
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } } });
    if (!refused.ok) expect(refused.error.details?.retryAfterMs).toBeGreaterThan(1000);
    // the limit is per user: another device of alice is limited too, bob is not
    const { socket: other } = await server.connect('alice');
    expect(await emitAck(other, 'message:send', payload)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const { socket: bob } = await server.connect('bob');
    expect((await emitAck(bob, 'message:send', payload)).ok).toBe(true);

    const typing = { conversationId: conversation.id };
    expect((await emitAck(socket, 'typing:start', typing)).ok).toBe(true);
    expect((await emitAck(socket, 'typing:stop', typing)).ok).toBe(true);
    expect((await emitAck(socket, 'typing:start', typing)).ok).toBe(true);
    expect(await emitAck(socket, 'typing:stop', typing)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('disconnects a socket that keeps flooding after being told', async () => {
    const server = await startChatServer({
      config: {
        rateLimits: { default: { points: 100, perSeconds: 1 }, 'message:send': { points: 1, perSeconds: 60 } },
        floodDisconnectAfter: 3,
      },
    });
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const { socket } = await server.connect('alice');
    const payload = { conversationId: conversation.id, content: 'spam' };
    expect((await emitAck(socket, 'message:send', payload)).ok).toBe(true);
    const disconnected = nextEvent(socket, 'disconnect');
    for (let i = 0; i < 3; i++) socket.emit('message:send', payload);
    expect(await disconnected).toBe('io server disconnect');
  });
});
