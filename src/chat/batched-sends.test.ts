/**
 * Group commit is invisible to clients (issue 10), on SQLite and PostgreSQL: real
 * sockets sending at once, each ack carrying its own stored message, a refusal
 * inside a batch failing only its own send, and the order of `message:new` in a
 * conversation being the order of the store's ids.
 */
import { expect, it } from 'vitest';
import { createConversation, startChatServer } from '../../test/support/chat.js';
import { collect, emitAck, type TestSocket } from '../../test/support/client.js';
import { describeEachStore } from '../../test/support/stores.js';
import type { Message } from '../protocol/shapes.js';
import { MessagesRepo } from './messages-repo.js';

/** Sends wait up to 20 ms for company, so the concurrent sends below share transactions. */
const BATCHING = { database: { batch: { maxDelayMs: 20 } } };

describeEachStore('batched sends', (db) => {
  it('200 sockets sending at once each get their own ack with their own stored message', async () => {
    const server = await startChatServer({ store: db.store, config: BATCHING });
    const users = Array.from({ length: 200 }, (_, i) => `s200-${i}`);
    const sockets = await Promise.all(users.map(async (u) => (await server.connect(u)).socket));
    const peer = (i: number) => users[i % 2 ? i - 1 : i + 1] as string;
    const received = sockets.map((s) => collect<Message>(s, 'message:new'));

    const acks = await Promise.all(
      sockets.map((socket, i) =>
        emitAck<{ message: Message }>(socket, 'message:send', {
          receiverId: peer(i),
          content: `from ${users[i]}`,
          clientMessageId: `c-${i}`,
        }),
      ),
    );
    const messages = acks.map((ack, i) => {
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
      const message = (ack as { data: { message: Message } }).data.message;
      expect(message).toMatchObject({ senderId: users[i], content: `from ${users[i]}`, clientMessageId: `c-${i}` });
      return message;
    });
    expect(new Set(messages.map((m) => m.id)).size).toBe(200);

    // Every ack names a stored row with that content; every peer got its partner's message.
    const repo = new MessagesRepo(db.store);
    for (const message of messages) expect((await repo.find(message.id))?.content).toBe(message.content);
    await expect
      .poll(() => received.every((list, i) => list.some((m) => m.senderId === peer(i) && m.id === messages[users.indexOf(peer(i))]?.id)))
      .toBe(true);
  });

  it('a bad replyTo or a reused clientMessageId in a batch fails only that send; order follows store ids', async () => {
    const server = await startChatServer({ store: db.store, config: BATCHING });
    const members = Array.from({ length: 12 }, (_, i) => `grp-${i}`);
    const owner = members[0] as string;
    const group = await createConversation(server, owner, { kind: 'group', memberIds: members.slice(1) });
    const side = await createConversation(server, owner, { kind: 'group', memberIds: [members[1] as string] });
    const sockets: TestSocket[] = await Promise.all(members.map(async (m) => (await server.connect(m)).socket));
    const earlier = await emitAck<{ message: Message }>(sockets[1] as TestSocket, 'message:send', {
      conversationId: side.id,
      content: 'earlier',
      clientMessageId: 'taken',
    });
    expect(earlier.ok).toBe(true);
    const seen = collect<Message>(sockets[0] as TestSocket, 'message:new');

    const payload = (i: number): Record<string, unknown> => {
      if (i === 3) return { conversationId: group.id, content: 'bad reply', replyTo: '01J0000000000000000000000Z' };
      if (i === 1) return { conversationId: group.id, content: 'reused id', clientMessageId: 'taken' };
      return { conversationId: group.id, content: `m${i}`, clientMessageId: `g-${i}` };
    };
    const acks = await Promise.all(sockets.map((socket, i) => emitAck<{ message: Message }>(socket, 'message:send', payload(i))));
    const codes = acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
    expect(codes).toEqual(members.map((_, i) => (i === 3 ? 'VALIDATION_FAILED' : i === 1 ? 'CONFLICT' : 'ok')));

    // A retry of a stored send in the same batch as new ones answers the original.
    const retry = await emitAck<{ message: Message }>(sockets[2] as TestSocket, 'message:send', payload(2));
    expect(retry.ok && retry.data?.message.id).toBe((acks[2] as { data: { message: Message } }).data.message.id);

    const stored = (await new MessagesRepo(db.store).history(group.id, { limit: 100 })).rows.map((r) => r.id).reverse();
    expect(stored).toHaveLength(members.length - 2);
    await expect.poll(() => seen.length).toBe(members.length - 2);
    expect(seen.map((m) => m.id)).toEqual(stored);
    expect([...stored].sort()).toEqual(stored);
  });
});
