/**
 * The chat's group-commit writers on SQLite and PostgreSQL: one batch of sends with
 * every kind of refusal in it, direct conversations created inside the batch, ids in
 * submission order, pointers moved; receipts batched the same way.
 */
import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { type BatchSettings, BatchWriter } from '../store/batch-writer.js';
import { ConversationsRepo, directKey } from './conversations-repo.js';
import { type SendWrite, sendWrites } from './message-writes.js';
import { MessagesRepo } from './messages-repo.js';
import { deliveryWrites, readWrites } from './receipt-writes.js';

const SETTINGS: BatchSettings = { maxItems: 500, maxDelayMs: 0, maxQueued: 10_000 };
const text = (senderId: string, conversationId: string, content: string, extra: Partial<SendWrite> = {}): SendWrite => ({
  senderId,
  conversationId,
  content,
  type: 'text',
  ...extra,
});

describeEachStore('chat writers', (db) => {
  it('stores a batch of sends; each refusal (non-member, unknown conversation, bad replyTo, reused id) fails alone', async () => {
    const conversations = new ConversationsRepo(db.store);
    const group = await conversations.createGroup('ann', ['ben'], 'g');
    const other = await conversations.createGroup('cat', [], 'other');
    const second = await conversations.createGroup('ann', [], 'second');
    const writer = new BatchWriter(db.store, sendWrites, SETTINGS);
    const first = await writer.submit(text('ann', group.id, 'first', { clientMessageId: 'k1' }));
    const elsewhere = await writer.submit(text('cat', other.id, 'elsewhere'));

    const batch = [
      text('ann', group.id, 'a'),
      text('ben', group.id, 'b', { replyTo: first.row.id }),
      text('zed', group.id, 'not a member'),
      text('ann', 'no-such-conversation', 'nowhere'),
      text('ben', group.id, 'bad reply', { replyTo: elsewhere.row.id }),
      text('ann', group.id, 'retry of k1', { clientMessageId: 'k1' }),
      text('ann', second.id, 'k1 reused elsewhere', { clientMessageId: 'k1' }),
      text('ben', group.id, 'twice in one batch', { clientMessageId: 'k2' }),
      text('ben', group.id, 'twice in one batch', { clientMessageId: 'k2' }),
      text('ann', group.id, 'z'),
    ];
    const settled = await Promise.allSettled(batch.map((item) => writer.submit(item)));
    const codes = settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as { code: string }).code));
    expect(codes).toEqual(['ok', 'ok', 'FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED', 'ok', 'CONFLICT', 'ok', 'ok', 'ok']);
    const value = (i: number) => (settled[i] as PromiseFulfilledResult<Awaited<ReturnType<typeof writer.submit>>>).value;

    // A retry answers the original and stores nothing; two sends of k2 store once.
    expect(value(5)).toMatchObject({ created: false, row: { id: first.row.id } });
    expect(value(7).created).toBe(true);
    expect(value(8)).toMatchObject({ created: false, row: { id: value(7).row.id } });
    // Ids follow submission order; every member is the fan-out list.
    const created = [0, 1, 7, 9].map((i) => value(i).row.id);
    expect([...created].sort()).toEqual(created);
    expect(value(0).memberIds).toEqual(['ann', 'ben']);

    const messages = new MessagesRepo(db.store);
    const { rows } = await messages.history(group.id, { limit: 50 });
    expect(rows.map((r) => r.content).reverse()).toEqual(['first', 'a', 'b', 'twice in one batch', 'z']);
    expect((await conversations.find(group.id))?.last_message_id).toBe(value(9).row.id);
  });

  it('creates the direct conversation of a first send by receiverId, once, inside the batch', async () => {
    const writer = new BatchWriter(db.store, sendWrites, SETTINGS);
    const sends = Array.from({ length: 6 }, (_, i) =>
      writer.submit({ senderId: i % 2 ? 'dora' : 'eli', receiverId: i % 2 ? 'eli' : 'dora', content: `m${i}`, type: 'text' }),
    );
    const results = await Promise.all(sends);
    const conversationIds = new Set(results.map((r) => r.row.conversation_id));
    expect(conversationIds.size).toBe(1);
    expect(results.filter((r) => r.createdConversation).length).toBe(6);
    expect(results[0]?.createdConversation?.direct_key).toBe(directKey('dora', 'eli'));
    expect(results[0]?.memberIds.sort()).toEqual(['dora', 'eli']);
    const again = await writer.submit({ senderId: 'eli', receiverId: 'dora', content: 'later', type: 'text' });
    expect(again.createdConversation).toBeUndefined();
    expect(again.row.conversation_id).toBe(results[0]?.row.conversation_id);
  });

  it('records deliveries once per user and read markers forward only, in one batch each', async () => {
    const conversations = new ConversationsRepo(db.store);
    const group = await conversations.createGroup('fay', ['gus', 'hal'], 'g');
    const sender = new BatchWriter(db.store, sendWrites, SETTINGS);
    const m1 = (await sender.submit(text('fay', group.id, 'one'))).row.id;
    const m2 = (await sender.submit(text('fay', group.id, 'two'))).row.id;

    const deliveries = new BatchWriter(db.store, deliveryWrites, SETTINGS);
    const delivered = await Promise.allSettled([
      deliveries.submit({ userId: 'gus', messageId: m1 }),
      deliveries.submit({ userId: 'gus', messageId: m1 }),
      deliveries.submit({ userId: 'fay', messageId: m1 }),
      deliveries.submit({ userId: 'ivy', messageId: m1 }),
      deliveries.submit({ userId: 'gus', messageId: 'no-such-message' }),
    ]);
    expect(delivered.map((s) => (s.status === 'fulfilled' ? s.value.recorded : (s.reason as { code: string }).code))).toEqual([
      true,
      false,
      false,
      'FORBIDDEN',
      'NOT_FOUND',
    ]);

    const reads = new BatchWriter(db.store, readWrites, SETTINGS);
    const at = Date.now();
    const read = await Promise.allSettled([
      reads.submit({ userId: 'gus', conversationId: group.id, messageId: m1, at }),
      reads.submit({ userId: 'gus', conversationId: group.id, messageId: m2, at }),
      reads.submit({ userId: 'hal', conversationId: group.id, messageId: m1, at }),
      reads.submit({ userId: 'ivy', conversationId: group.id, messageId: m1, at }),
      reads.submit({ userId: 'hal', conversationId: group.id, messageId: 'nope', at }),
    ]);
    expect(read.map((s) => (s.status === 'fulfilled' ? s.value.moved : (s.reason as { code: string }).code))).toEqual([
      false,
      true,
      true,
      'FORBIDDEN',
      'NOT_FOUND',
    ]);
    expect((read[1] as PromiseFulfilledResult<{ others: string[] }>).value.others).toEqual(['fay', 'hal']);
    expect(await conversations.unreadCount(group.id, 'gus')).toBe(0);
    expect(await conversations.unreadCount(group.id, 'hal')).toBe(1);
    // Never back: an older read after a newer one moves nothing.
    expect(await reads.submit({ userId: 'gus', conversationId: group.id, messageId: m1, at })).toMatchObject({ moved: false });
  });
});
