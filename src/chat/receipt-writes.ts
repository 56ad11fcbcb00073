/**
 * Group-commit writers of the receipts (issue 10): `message:delivered` and
 * `message:read`. Each batch checks every receipt's message and membership with two
 * multi-row reads and records all of them with one statement, inside one
 * transaction; a receipt refused on its own (no such message, not a member) writes
 * nothing and fails alone.
 */
import { sql, type Transaction } from 'kysely';
import { fail } from '../core/errors.js';
import { type BatchOutcome, type BatchSpec, outcome } from '../store/batch-writer.js';
import type { Database } from '../store/database.js';
import { membershipKey, readMemberships } from './member-reads.js';
import { membershipRefusal } from './membership.js';

type Trx = Transaction<Database>;

export interface DeliveryWrite {
  userId: string;
  messageId: string;
}

export interface DeliveryResult {
  conversationId: string;
  senderId: string;
  /** True when this was the user's first confirmation (the sender is told once). */
  recorded: boolean;
}

export interface ReadWrite {
  userId: string;
  conversationId: string;
  messageId: string;
  at: number;
}

export interface ReadResult {
  /** True when the member's read marker moved forward. */
  moved: boolean;
  /** The other members, told when the marker moved. */
  others: string[];
}

/** A key of two ids (conversation and user, or message and user). */
const pairKey = membershipKey;

async function messagesById(trx: Trx, ids: string[]): Promise<Map<string, { conversation_id: string; sender_id: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('messages').select(['id', 'conversation_id', 'sender_id']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function writeDeliveries(trx: Trx, items: readonly DeliveryWrite[]): Promise<Array<BatchOutcome<DeliveryResult>>> {
  const messages = await messagesById(trx, [...new Set(items.map((i) => i.messageId))]);
  const { pairs } = await readMemberships(trx, [...new Set([...messages.values()].map((m) => m.conversation_id))]);
  const outcomes: Array<BatchOutcome<DeliveryResult>> = [];
  const toRecord = new Map<string, { message_id: string; user_id: string; delivered_at: number }>();
  const now = Date.now();
  for (const item of items) {
    const message = messages.get(item.messageId);
    if (!message) {
      outcomes.push(outcome.refused(fail('NOT_FOUND', 'No such message')));
      continue;
    }
    if (!pairs.has(pairKey(message.conversation_id, item.userId))) {
      outcomes.push(outcome.refused(membershipRefusal(true)));
      continue;
    }
    outcomes.push(outcome.ok({ conversationId: message.conversation_id, senderId: message.sender_id, recorded: false }));
    // The sender's own devices confirm nothing; a repeat in the same batch records once.
    if (message.sender_id !== item.userId) {
      toRecord.set(pairKey(item.messageId, item.userId), { message_id: item.messageId, user_id: item.userId, delivered_at: now });
    }
  }
  if (toRecord.size === 0) return outcomes;
  const recorded = await trx
    .insertInto('message_deliveries')
    .values([...toRecord.values()])
    .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
    .returning(['message_id', 'user_id'])
    .execute();
  const first = new Set(recorded.map((r) => pairKey(r.message_id, r.user_id)));
  items.forEach((item, i) => {
    const result = outcomes[i] as BatchOutcome<DeliveryResult>;
    const key = pairKey(item.messageId, item.userId);
    if (result.ok && first.delete(key)) result.value.recorded = true;
  });
  return outcomes;
}

async function writeReads(trx: Trx, items: readonly ReadWrite[]): Promise<Array<BatchOutcome<ReadResult>>> {
  const { pairs, members } = await readMemberships(trx, [...new Set(items.map((i) => i.conversationId))]);
  const messages = await messagesById(trx, [...new Set(items.map((i) => i.messageId))]);
  const refusals = items.filter((item) => !pairs.has(pairKey(item.conversationId, item.userId))).map((item) => item.conversationId);
  const existing =
    refusals.length === 0
      ? new Set<string>()
      : new Set((await trx.selectFrom('conversations').select('id').where('id', 'in', refusals).execute()).map((r) => r.id));
  const outcomes: Array<BatchOutcome<ReadResult>> = [];
  // One marker per member: the newest message of the batch wins (markers never move back).
  const markers = new Map<string, ReadWrite>();
  for (const item of items) {
    if (!pairs.has(pairKey(item.conversationId, item.userId))) {
      outcomes.push(outcome.refused(membershipRefusal(existing.has(item.conversationId))));
      continue;
    }
    if (messages.get(item.messageId)?.conversation_id !== item.conversationId) {
      outcomes.push(outcome.refused(fail('NOT_FOUND', 'No such message in this conversation')));
      continue;
    }
    outcomes.push(outcome.ok({ moved: false, others: (members.get(item.conversationId) ?? []).filter((id) => id !== item.userId) }));
    const key = pairKey(item.conversationId, item.userId);
    const current = markers.get(key);
    if (!current || current.messageId < item.messageId) markers.set(key, item);
  }
  if (markers.size === 0) return outcomes;
  // One UPDATE … FROM (VALUES …) for every marker; SQLite (≥ 3.33) and PostgreSQL both
  // name the VALUES columns column1…column4.
  const values = sql.join([...markers.values()].map((m) => sql`(${m.conversationId}, ${m.userId}, ${m.messageId}, ${String(m.at)})`));
  const moved = await sql<{ conversation_id: string; user_id: string }>`
    update conversation_members
    set last_read_message_id = v.column3, read_at = cast(v.column4 as bigint)
    from (values ${values}) as v
    where conversation_members.conversation_id = v.column1
      and conversation_members.user_id = v.column2
      and (conversation_members.last_read_message_id is null or conversation_members.last_read_message_id < v.column3)
    returning conversation_members.conversation_id, conversation_members.user_id`.execute(trx);
  const movedKeys = new Set(moved.rows.map((r) => pairKey(r.conversation_id, r.user_id)));
  items.forEach((item, i) => {
    const result = outcomes[i] as BatchOutcome<ReadResult>;
    const key = pairKey(item.conversationId, item.userId);
    if (result.ok && markers.get(key) === item && movedKeys.has(key)) result.value.moved = true;
  });
  return outcomes;
}

export const deliveryWrites: BatchSpec<DeliveryWrite, DeliveryResult> = { name: 'message:delivered', write: writeDeliveries };
export const readWrites: BatchSpec<ReadWrite, ReadResult> = { name: 'message:read', write: writeReads };
