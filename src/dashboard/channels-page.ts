/**
 * GET /api/admin/channels: channels with live subscribers, a page at a time, in
 * name order, with their history size.
 *
 * Paging is by name with a cursor (the last name of the previous page), merged
 * across nodes: each node answers its first `limit` channel names after the cursor
 * with its local subscriber counts, and the page is the first `limit` names of the
 * union, counts summed. That is exact: a name among the union's first `limit` is
 * among every node's first `limit` (a node holding it past its own first `limit`
 * would have `limit` smaller names, which would then fill the page before it). So a
 * page costs `nodes × limit` entries, never a list of every socket or room.
 */
import { sql } from 'kysely';
import type { SwitchboardContext } from '../core/context.js';
import type { AskNodes } from './node-query.js';
import type { ChannelsPage } from './shapes.js';

/** A page request: the admin routes' `cursor`, `prefix` and `limit` query. */
export interface PageQuery {
  /** Names after this one (exclusive); '' for the first page. */
  cursor: string;
  /** Only names starting with this (a namespace such as `trip:`). */
  prefix: string;
  limit: number;
}

/**
 * History size of the page's channels, in two grouped queries over the channels
 * feature's tables, read-only.
 */
// TODO(issue 9): ask the channels feature for this through a provided service once
// features declare their services, instead of reading its tables here.
async function historySizes(ctx: SwitchboardContext, names: string[]): Promise<Map<string, { size: number; lastOffset: number }>> {
  const out = new Map<string, { size: number; lastOffset: number }>();
  if (names.length === 0) return out;
  const [offsets, sizes] = await Promise.all([
    ctx.store.db.selectFrom('channel_offsets').select(['channel', 'last_offset']).where('channel', 'in', names).execute(),
    ctx.store.db
      .selectFrom('channel_publications')
      .select(['channel', sql<number>`count(*)`.as('size')])
      .where('channel', 'in', names)
      .groupBy('channel')
      .execute(),
  ]);
  for (const row of offsets) out.set(row.channel, { size: 0, lastOffset: Number(row.last_offset) });
  for (const row of sizes) {
    const entry = out.get(row.channel);
    if (entry) entry.size = Number(row.size);
  }
  return out;
}

export async function channelsPage(ctx: SwitchboardContext, ask: AskNodes, query: PageQuery): Promise<ChannelsPage> {
  // One more than the page, to know whether another page follows.
  const gathered = await ask({ kind: 'channels', after: query.cursor, prefix: query.prefix, limit: query.limit + 1 });
  const merged = new Map<string, number>();
  for (const answer of gathered.answers) for (const [name, n] of answer) merged.set(name, (merged.get(name) ?? 0) + n);
  const names = [...merged.keys()].sort((a, b) => (a < b ? -1 : 1));
  const page = names.slice(0, query.limit);
  const history = await historySizes(ctx, page);
  return {
    channels: page.map((name) => ({ name, subscribers: merged.get(name) ?? 0, history: history.get(name) ?? null })),
    nextCursor: names.length > query.limit ? (page[page.length - 1] ?? null) : null,
    nodes: { expected: gathered.expected, answered: gathered.answered },
  };
}
