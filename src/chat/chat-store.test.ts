/** The chat's store queries, run against SQLite and PostgreSQL alike. */
import { expect, it } from 'vitest';
import { explainUnreadCount, seedChatData } from '../../test/support/chat.js';
import { describeEachStore } from '../../test/support/stores.js';
import { BatchWriter } from '../store/batch-writer.js';
import type { Store } from '../store/store.js';
import { ConversationsRepo } from './conversations-repo.js';
import { sendWrites } from './message-writes.js';
import { MessagesRepo } from './messages-repo.js';

describeEachStore('chat db.store', (db) => {
  it('creates one direct conversation per pair under concurrency, with both members', async () => {
    const repo = new ConversationsRepo(db.store);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? repo.getOrCreateDirect('a', 'b') : repo.getOrCreateDirect('b', 'a'))),
    );
    expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await repo.memberIds(results[0]?.row.id ?? '')).sort()).toEqual(['a', 'b']);
  });

  it('stores a clientMessageId once per sender, pages history and counts unread', async () => {
    const conversations = new ConversationsRepo(db.store);
    const messages = new MessagesRepo(db.store);
    const writer = new BatchWriter(db.store, sendWrites, { maxItems: 500, maxDelayMs: 0, maxQueued: 1000 });
    const group = await conversations.createGroup('owner', ['m1', 'm2'], 'g');
    const first = await Promise.all(
      [1, 2, 3].map(() => writer.submit({ conversationId: group.id, senderId: 'm1', content: 'x', type: 'text', clientMessageId: 'k' })),
    );
    expect(new Set(first.map((r) => r.row.id)).size).toBe(1);
    expect(first.filter((r) => r.created)).toHaveLength(1);
    const ids = [first[0]?.row.id as string];
    for (let i = 0; i < 4; i++)
      ids.push((await writer.submit({ conversationId: group.id, senderId: i % 2 ? 'owner' : 'm2', content: `${i}`, type: 'text' })).row.id);

    const page = await messages.history(group.id, { limit: 2 });
    expect(page.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const next = await messages.history(group.id, { limit: 10, before: page.nextCursor ?? undefined });
    expect(next.rows.map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(next.nextCursor).toBeNull();

    expect(await conversations.unreadCount(group.id, 'm1')).toBe(4);
    expect(await conversations.markRead(group.id, 'm1', ids[2] as string, Date.now())).toBe(true);
    expect(await conversations.markRead(group.id, 'm1', ids[1] as string, Date.now())).toBe(false);
    expect(await conversations.unreadCount(group.id, 'm1')).toBe(2);
    await messages.softDelete(ids[4] as string);
    expect(await conversations.unreadCount(group.id, 'm1')).toBe(1);
    expect(await conversations.unreadTotal('m1')).toBe(1);
    expect((await messages.find(ids[4] as string))?.content).toBe('');

    const { entries } = await conversations.listForUser('m1', { limit: 10 });
    expect(entries.find((e) => e.row.id === group.id)).toMatchObject({ unreadCount: 1, lastMessage: { id: ids[4] } });
    expect((await conversations.contactsOf('m1')).sort()).toEqual(['m2', 'owner']);
  });

  it('counts unread messages of the largest conversation with an index range scan', async () => {
    const { largestId } = await seedChatData(db.store, {
      reader: 'reader',
      conversations: 50,
      largest: 5000,
      perConversation: 400,
      unread: 40,
    });
    if (db.store.dialect === 'postgres') await sqlAnalyze(db.store);
    const repo = new ConversationsRepo(db.store);
    expect(await repo.unreadCount(largestId, 'reader')).toBe(20);
    const plan = (await explainUnreadCount(db.store, largestId, 'reader')).join('\n');
    console.info(`unread-count plan on ${db.store.dialect}:\n${plan}`);
    expect(plan).toMatch(/messages_conversation_id/);
    expect(plan).not.toMatch(/SCAN m\b|Seq Scan on messages/);
  });
});

async function sqlAnalyze(store: Store): Promise<void> {
  const { sql } = await import('kysely');
  // as autovacuum would have by then: statistics and the visibility map
  await sql`vacuum analyze messages`.execute(store.db);
  await sql`vacuum analyze conversation_members`.execute(store.db);
}
