/** The one membership read the chat's batch writers share (message-writes.ts, receipt-writes.ts). */
import type { Transaction } from 'kysely';
import type { Database } from '../store/database.js';

export interface Memberships {
  /** `conversationId\0userId` of every membership read. */
  pairs: Set<string>;
  /** Every member of each conversation, in `memberIds` order (joined_at, user_id). */
  members: Map<string, string[]>;
}

export const membershipKey = (conversationId: string, userId: string) => `${conversationId}\0${userId}`;

/** Members of the conversations, in one read: membership checks and fan-out lists of a whole batch. */
export async function readMemberships(trx: Transaction<Database>, conversationIds: string[]): Promise<Memberships> {
  const pairs = new Set<string>();
  const members = new Map<string, string[]>();
  if (conversationIds.length === 0) return { pairs, members };
  const rows = await trx
    .selectFrom('conversation_members')
    .select(['conversation_id', 'user_id'])
    .where('conversation_id', 'in', conversationIds)
    .orderBy('conversation_id')
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
  for (const row of rows) {
    pairs.add(membershipKey(row.conversation_id, row.user_id));
    const list = members.get(row.conversation_id);
    if (list) list.push(row.user_id);
    else members.set(row.conversation_id, [row.user_id]);
  }
  return { pairs, members };
}
