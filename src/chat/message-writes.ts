/**
 * The group-commit writer of `message:send` (issue 10). One transaction stores a
 * whole batch of sends with a fixed number of multi-row statements, whatever the
 * batch size: resolve direct conversations (creating missing ones), read the
 * members of every conversation involved (membership check and fan-out list in one
 * read), check `replyTo` targets, insert the messages, look up the originals of
 * retried `clientMessageId`s, and move each conversation's last-message pointer.
 *
 * A send refused on its own (not a member, bad `replyTo`, a `clientMessageId` reused
 * in another conversation) writes nothing and fails alone; the others commit.
 * Message ids are assigned here, in submission order, so within a conversation the
 * order of ids is the order of commits and of `message:new`.
 */
import { sql, type Transaction } from 'kysely';
import { fail } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { type BatchOutcome, type BatchSpec, outcome } from '../store/batch-writer.js';
import type { Database } from '../store/database.js';
import type { ConversationRow, MessageRow } from './chat-shapes.js';
import { directKey, directMembers } from './conversations-repo.js';
import { membershipKey, readMemberships } from './member-reads.js';
import { membershipRefusal } from './membership.js';

/** One send: the conversation by id, or the direct conversation with `receiverId`. */
export interface SendWrite {
  senderId: string;
  conversationId?: string;
  receiverId?: string;
  content: string;
  type: string;
  clientMessageId?: string;
  replyTo?: string;
}

export interface SentMessage {
  row: MessageRow;
  /** False when `clientMessageId` matched an earlier send: nothing was stored. */
  created: boolean;
  /** Every member of the conversation (the fan-out list), as of this transaction. */
  memberIds: string[];
  /** The direct conversation this send created, to be announced. */
  createdConversation?: ConversationRow;
}

type Trx = Transaction<Database>;

/** Ids of the direct conversations of the items with `receiverId`, created when missing. */
async function resolveDirect(
  trx: Trx,
  items: readonly SendWrite[],
  now: number,
): Promise<Map<string, ConversationRow & { created?: true }>> {
  const pairs = new Map<string, [string, string]>();
  for (const item of items) {
    if (!item.conversationId && item.receiverId) pairs.set(directKey(item.senderId, item.receiverId), [item.senderId, item.receiverId]);
  }
  const byKey = new Map<string, ConversationRow & { created?: true }>();
  if (pairs.size === 0) return byKey;
  const keys = [...pairs.keys()];
  for (const row of await trx.selectFrom('conversations').selectAll().where('direct_key', 'in', keys).execute()) {
    byKey.set(row.direct_key as string, row);
  }
  const missing = keys.filter((key) => !byKey.has(key));
  if (missing.length === 0) return byKey;
  const rows = missing.map((key) => ({
    id: newId(),
    kind: 'direct' as const,
    title: null,
    direct_key: key,
    created_at: now,
    last_message_at: null,
    last_message_id: null,
  }));
  // UNIQUE(direct_key) decides between concurrent creators (another node, on PostgreSQL).
  const inserted = new Set(
    (
      await trx
        .insertInto('conversations')
        .values(rows)
        .onConflict((oc) => oc.column('direct_key').doNothing())
        .returning('id')
        .execute()
    ).map((r) => r.id),
  );
  const created = rows.filter((row) => inserted.has(row.id));
  if (created.length > 0) {
    await trx
      .insertInto('conversation_members')
      .values(created.flatMap((row) => directMembers(row.id, pairs.get(row.direct_key) as [string, string], now)))
      .execute();
    for (const row of created) byKey.set(row.direct_key, { ...row, created: true });
  }
  if (created.length < rows.length) {
    const lost = missing.filter((key) => !byKey.has(key));
    for (const row of await trx.selectFrom('conversations').selectAll().where('direct_key', 'in', lost).execute()) {
      byKey.set(row.direct_key as string, row);
    }
  }
  return byKey;
}

async function existingConversations(trx: Trx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  return new Set((await trx.selectFrom('conversations').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
}

async function replyTargets(trx: Trx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('messages').select(['id', 'conversation_id']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.conversation_id]));
}

/** The stored originals of sends whose `clientMessageId` was taken, by `sender\0clientId`. */
async function originals(trx: Trx, rows: MessageRow[]): Promise<Map<string, MessageRow>> {
  if (rows.length === 0) return new Map();
  const found = await trx
    .selectFrom('messages')
    .selectAll()
    .where((eb) =>
      eb.or(rows.map((r) => eb.and([eb('sender_id', '=', r.sender_id), eb('client_message_id', '=', r.client_message_id as string)]))),
    )
    .execute();
  return new Map(found.map((r) => [`${r.sender_id}\0${r.client_message_id}`, r]));
}

/** Moves each conversation's pointer to its newest message of the batch (never back). */
async function movePointers(trx: Trx, newest: Map<string, string>, at: number): Promise<void> {
  if (newest.size === 0) return;
  const target = sql<string>`case ${sql.ref('id')} ${sql.join(
    [...newest].map(([conversationId, messageId]) => sql`when ${conversationId} then ${messageId}`),
    sql` `,
  )} end`;
  await trx
    .updateTable('conversations')
    .set({ last_message_id: target, last_message_at: at })
    .where('id', 'in', [...newest.keys()])
    // A later message committed first (another node) keeps the pointer.
    .where((eb) => eb.or([eb('last_message_id', 'is', null), eb('last_message_id', '<', target)]))
    .execute();
}

async function writeSends(trx: Trx, items: readonly SendWrite[]): Promise<Array<BatchOutcome<SentMessage>>> {
  const now = Date.now();
  const direct = await resolveDirect(trx, items, now);
  const conversationOf = items.map(
    (item) => item.conversationId ?? (direct.get(directKey(item.senderId, item.receiverId as string)) as ConversationRow).id,
  );
  const { pairs, members } = await readMemberships(trx, [...new Set(conversationOf)]);
  const isMember = (i: number) => pairs.has(membershipKey(conversationOf[i] as string, (items[i] as SendWrite).senderId));
  const replies = await replyTargets(trx, [...new Set(items.flatMap((item) => (item.replyTo ? [item.replyTo] : [])))]);
  const strangers = conversationOf.filter((_, i) => !isMember(i));
  const existing = await existingConversations(trx, [...new Set(strangers)]);

  const outcomes: Array<BatchOutcome<SentMessage> | undefined> = [];
  const rows: Array<{ index: number; row: MessageRow }> = [];
  items.forEach((item, index) => {
    const conversationId = conversationOf[index] as string;
    if (!isMember(index)) {
      outcomes[index] = outcome.refused(membershipRefusal(existing.has(conversationId)));
    } else if (item.replyTo && replies.get(item.replyTo) !== conversationId) {
      outcomes[index] = outcome.refused(fail('VALIDATION_FAILED', 'replyTo: not a message of this conversation'));
    } else {
      rows.push({
        index,
        row: {
          id: newId(),
          conversation_id: conversationId,
          sender_id: item.senderId,
          content: item.content,
          type: item.type,
          client_message_id: item.clientMessageId ?? null,
          reply_to: item.replyTo ?? null,
          created_at: now,
          edited_at: null,
          deleted_at: null,
        },
      });
    }
  });

  const inserted = new Set<string>();
  if (rows.length > 0) {
    const returned = await trx
      .insertInto('messages')
      .values(rows.map((r) => r.row))
      // UNIQUE(sender_id, client_message_id): a retry, here or in an earlier batch, stores nothing.
      .onConflict((oc) => oc.columns(['sender_id', 'client_message_id']).doNothing())
      .returning('id')
      .execute();
    for (const r of returned) inserted.add(r.id);
  }
  const retried = await originals(
    trx,
    rows.filter((r) => !inserted.has(r.row.id)).map((r) => r.row),
  );
  const newest = new Map<string, string>();
  for (const { index, row } of rows) {
    const item = items[index] as SendWrite;
    const memberIds = members.get(row.conversation_id) as string[];
    const conversation = item.conversationId ? undefined : direct.get(directKey(item.senderId, item.receiverId as string));
    const createdConversation = conversation?.created ? conversation : undefined;
    if (inserted.has(row.id)) {
      newest.set(row.conversation_id, row.id);
      outcomes[index] = outcome.ok({ row, created: true, memberIds, createdConversation });
      continue;
    }
    const original = retried.get(`${row.sender_id}\0${row.client_message_id}`);
    // A reused id that names another conversation is a different message, refused
    // rather than answered with the old one.
    if (!original || original.conversation_id !== row.conversation_id) {
      outcomes[index] = outcome.refused(fail('CONFLICT', 'clientMessageId was already used for another conversation'));
    } else {
      outcomes[index] = outcome.ok({ row: original, created: false, memberIds, createdConversation });
    }
  }
  await movePointers(trx, newest, now);
  return outcomes as Array<BatchOutcome<SentMessage>>;
}

export const sendWrites: BatchSpec<SendWrite, SentMessage> = { name: 'message:send', write: writeSends };
