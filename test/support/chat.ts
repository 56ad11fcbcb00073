/** Helpers shared by the chat tests: a server with chat-friendly config and a conversation in one call. */
import { sql } from 'kysely';
import { ConversationsRepo } from '../../src/chat/conversations-repo.js';
import { newId } from '../../src/core/ids.js';
import type { Conversation, Message } from '../../src/protocol/shapes.js';
import type { Store } from '../../src/store/store.js';
import { emitAck, type TestSocket } from './client.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

export async function startChatServer(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ ...options, config: { rateLimits: { default: { points: 1000, perSeconds: 1 } }, ...options.config } });
}

/** Creates a conversation over HTTP as `creator` and returns it. */
export async function createConversation(
  server: TestServer,
  creator: string,
  body: { kind: 'direct' | 'group'; memberIds: string[]; title?: string },
): Promise<Conversation> {
  const res = await server.request('POST', '/api/conversations', { token: await server.token(creator), body });
  if (res.status !== 201 && res.status !== 200) throw new Error(`create conversation: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.conversation;
}

/** Sends over the socket and returns the stored message from the ack (throws on refusal). */
export async function send(socket: TestSocket, payload: Record<string, unknown>): Promise<Message> {
  const ack = await emitAck<{ message: Message }>(socket, 'message:send', payload);
  if (!ack.ok) throw new Error(`message:send refused: ${JSON.stringify(ack.error)}`);
  return (ack.data as { message: Message }).message;
}

/**
 * Bulk test data straight into the store: `conversations` direct conversations
 * between `reader` and peers, the first with `largest` messages and the rest with
 * `perConversation`, interleaved in time as real traffic is; the reader has read
 * all but the last `unread` of the largest (half of those are the reader's own).
 */
export async function seedChatData(
  store: Store,
  options: { reader: string; conversations: number; largest: number; perConversation: number; unread: number },
): Promise<{ largestId: string }> {
  const repo = new ConversationsRepo(store);
  const convs: Array<{ id: string; peer: string; count: number; ids: string[] }> = [];
  for (let c = 0; c < options.conversations; c++) {
    const { row } = await repo.getOrCreateDirect(options.reader, `peer-${c}`);
    convs.push({ id: row.id, peer: `peer-${c}`, count: c === 0 ? options.largest : options.perConversation, ids: [] });
  }
  const rows = [];
  for (let round = 0; round < options.largest; round++) {
    for (const conv of convs) {
      if (round >= conv.count) continue;
      const id = newId();
      conv.ids.push(id);
      rows.push({
        id,
        conversation_id: conv.id,
        sender_id: round % 2 === 0 ? conv.peer : options.reader,
        content: `message ${round}`,
        type: 'text',
        client_message_id: null,
        reply_to: null,
        created_at: Date.now(),
        edited_at: null,
        deleted_at: null,
      });
    }
  }
  for (let start = 0; start < rows.length; start += 500)
    await store.db
      .insertInto('messages')
      .values(rows.slice(start, start + 500))
      .execute();
  for (const [c, conv] of convs.entries()) {
    const readUpTo = c === 0 ? conv.ids[conv.ids.length - 1 - options.unread] : conv.ids.at(-1);
    if (readUpTo) await repo.markRead(conv.id, options.reader, readUpTo, Date.now());
  }
  return { largestId: convs[0]?.id ?? '' };
}

/** The store's own plan for the unread-count query, one line per step. */
export async function explainUnreadCount(store: Store, conversationId: string, userId: string): Promise<string[]> {
  const compiled = new ConversationsRepo(store).unreadCountQuery(conversationId, userId).compile();
  const explain = store.dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
  const result = await sql
    .raw<Record<string, unknown>>(explain + inline(compiled.sql, compiled.parameters, store.dialect))
    .execute(store.db);
  return result.rows.map((row) => String(row.detail ?? row['QUERY PLAN'] ?? JSON.stringify(row)));
}

/** Inlines string parameters so EXPLAIN plans the query with real values (test data only). */
function inline(query: string, parameters: readonly unknown[], dialect: Store['dialect']): string {
  const literal = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;
  if (dialect === 'postgres') return query.replace(/\$(\d+)/g, (_, n) => literal(parameters[Number(n) - 1]));
  let i = 0;
  return query.replace(/\?/g, () => literal(parameters[i++]));
}
