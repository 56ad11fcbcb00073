/**
 * Chat through the SDK against a real server: a send made while offline is stored
 * once after the reconnect and its promise resolves with the stored message; sends
 * cut off mid-flight by the network are stored exactly once each, in order;
 * RATE_LIMITED sends are retried; typing, receipts and read marks reach the peer.
 */
import { describe, expect, it } from 'vitest';
import { createConversation, startChatServer } from '../../test/support/chat.js';
import { collect, emitAck, nextEvent } from '../../test/support/client.js';
import { waitUntil } from '../../test/support/cluster.js';
import { reach, sdkClient } from '../../test/support/sdk.js';
import type { TestServer } from '../../test/support/server.js';
import { startTcpProxy } from '../../test/support/tcp-proxy.js';
import type { Message } from '../protocol/index.js';

async function storedMessages(server: TestServer, user: string, conversationId: string): Promise<Message[]> {
  const res = await server.request('GET', `/api/conversations/${conversationId}/messages?limit=100`, { token: await server.token(user) });
  return (res.body.messages as Message[]).reverse();
}

describe('chat.send', () => {
  it('while offline: queued, stored once after the reconnect, the promise resolves with the stored message', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const proxy = await startTcpProxy(server.port);
    const alice = sdkClient({ url: proxy.url, token: await server.token('alice') });
    await alice.ready;
    const { socket: bob } = await server.connect('bob');
    const toBob = collect<Message>(bob, 'message:new');

    proxy.block();
    proxy.cut();
    await reach(alice, 'disconnected');
    const sending = alice.chat.send({ conversationId: conversation.id, content: 'sent while offline' });
    expect(alice.chat.pending).toBe(1);
    expect(await storedMessages(server, 'alice', conversation.id)).toEqual([]);
    proxy.unblock();

    const message = await sending;
    expect(message).toMatchObject({ conversationId: conversation.id, senderId: 'alice', content: 'sent while offline' });
    expect(message.clientMessageId).toEqual(expect.any(String));
    await waitUntil(() => toBob.length === 1, 'bob got it');
    expect(await storedMessages(server, 'alice', conversation.id)).toEqual([message]);
    expect(toBob).toEqual([message]);
    expect(alice.chat.pending).toBe(0);
  });

  it('cut off mid-flight again and again: each message stored exactly once, in order, every promise resolves', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const proxy = await startTcpProxy(server.port);
    const alice = sdkClient({ url: proxy.url, token: await server.token('alice') });
    await alice.ready;
    const sends: Array<Promise<Message>> = [];
    for (let i = 0; i < 20; i++) {
      sends.push(alice.chat.send({ conversationId: conversation.id, content: `m${i}` }));
      if (i % 2 === 1) continue;
      // Every other message: cut the network while a send is on the wire (at once or
      // 1–4 ms in), so some never reach the server and some are stored with the ack lost.
      await reach(alice, 'connected');
      if (i % 4 !== 0) await new Promise((r) => setTimeout(r, i % 5));
      proxy.cut();
      await reach(alice, 'disconnected');
    }
    const resolved = await Promise.all(sends);
    expect(resolved.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    const stored = await storedMessages(server, 'alice', conversation.id);
    expect(stored.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(stored.map((m) => m.id)).toEqual(resolved.map((m) => m.id));
    expect(proxy.accepted).toBeGreaterThanOrEqual(10);
  });

  it('retries RATE_LIMITED sends after the server’s retryAfterMs, in order', async () => {
    const server = await startChatServer({
      config: { rateLimits: { default: { points: 1000, perSeconds: 1 }, 'message:send': { points: 2, perSeconds: 1 } } },
    });
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const alice = sdkClient({ url: server.url, token: await server.token('alice') });
    const resolved = await Promise.all(
      Array.from({ length: 5 }, (_, i) => alice.chat.send({ conversationId: conversation.id, content: `r${i}` })),
    );
    expect(resolved.map((m) => m.content)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect((await storedMessages(server, 'alice', conversation.id)).map((m) => m.content)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('rejects a refusal with a SwitchboardError and goes on with the next message', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const alice = sdkClient({ url: server.url, token: await server.token('alice') });
    const refused = alice.chat.send({ conversationId: 'no-such-conversation', content: 'x' });
    const next = alice.chat.send({ conversationId: conversation.id, content: 'after' });
    await expect(refused).rejects.toMatchObject({ name: 'SwitchboardError', code: expect.stringMatching(/NOT_FOUND|FORBIDDEN/) });
    expect((await next).content).toBe('after');
  });
});

describe('chat events', () => {
  it('message once per device, delivered and read receipts, typing, markRead', async () => {
    const server = await startChatServer({ config: { typing: { timeoutMs: 60_000 } } });
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const alice = sdkClient({ url: server.url, token: await server.token('alice') });
    const bob = sdkClient({ url: server.url, token: await server.token('bob') });
    await Promise.all([alice.ready, bob.ready]);
    const aliceSaw: Message[] = [];
    const bobSaw: Message[] = [];
    alice.chat.on('message', (m) => aliceSaw.push(m));
    bob.chat.on('message', (m) => bobSaw.push(m));
    const delivered: string[] = [];
    alice.chat.on('delivered', (e) => delivered.push(`${e.messageId}:${e.userId}`));
    const read: string[] = [];
    alice.chat.on('read', (e) => read.push(`${e.messageId}:${e.userId}`));
    const typing: string[] = [];
    bob.chat.on('typing', (e) => typing.push(`${e.userId}:${e.typing}`));

    alice.chat.typing(conversation.id);
    alice.chat.typing(conversation.id); // repeated keystrokes: one typing:start
    await waitUntil(() => typing.length === 1, 'bob sees alice typing');
    const message = await alice.chat.send({ conversationId: conversation.id, content: 'hello' });
    await waitUntil(() => typing.length === 2, 'send ends the typing indicator');
    expect(typing).toEqual(['alice:true', 'alice:false']);
    await waitUntil(() => bobSaw.length === 1 && delivered.length === 1, 'bob got it, alice got the receipt');
    expect(aliceSaw).toEqual([message]); // her own message:new, once
    expect(bobSaw).toEqual([message]);
    expect(delivered).toEqual([`${message.id}:bob`]);

    await bob.chat.markRead(conversation.id, message.id);
    await waitUntil(() => read.length === 1, 'alice sees it read');
    expect(read).toEqual([`${message.id}:bob`]);
  });

  it('keeps the "viewing" room across a reconnect', async () => {
    const server = await startChatServer();
    const conversation = await createConversation(server, 'alice', { kind: 'direct', memberIds: ['bob'] });
    const proxy = await startTcpProxy(server.port);
    const bob = sdkClient({ url: proxy.url, token: await server.token('bob') });
    await bob.ready;
    await bob.chat.join(conversation.id);
    proxy.cut();
    await reach(bob, 'disconnected');
    await reach(bob, 'connected');
    const rooms = async () => (await bob.call('status')).connection.rooms;
    await waitUntil(async () => (await rooms()).includes(`conversation:${conversation.id}`), 'rejoined');
    bob.chat.leave(conversation.id);
    await waitUntil(async () => !(await rooms()).includes(`conversation:${conversation.id}`), 'left');
    // A raw socket sees the SDK's sends as any other client's.
    const { socket } = await server.connect('alice');
    const next = nextEvent<Message>(socket, 'message:new');
    await bob.chat.send({ conversationId: conversation.id, content: 'hi' });
    expect((await next).content).toBe('hi');
    expect((await emitAck(socket, 'ping')).ok).toBe(true);
  });
});
