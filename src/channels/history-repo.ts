/**
 * Offsets and history of channels, in the store (SQLite ≥ 3.35 and PostgreSQL run
 * the same queries). Offsets are assigned by an atomic upsert on `channel_offsets`
 * inside the same transaction as the publication rows: the row lock (PostgreSQL) or
 * the write lock (SQLite) makes concurrent publishers, on one node or many, take
 * distinct consecutive offsets, and a failed insert rolls the offset back, so the
 * history never has a hole.
 */
import { sql, type Transaction } from 'kysely';
import { toIso } from '../core/ids.js';
import type { Publication } from '../protocol/shapes.js';
import type { Database } from '../store/database.js';
import type { Store } from '../store/store.js';

/** One publication to append; `data` is already JSON text. */
export interface NewPublication {
  event: string;
  data: string;
  createdAt: number;
}

export interface StoredPublication {
  offset: number;
  event: string;
  data: string;
  createdAt: number;
}

/** What history keeps: the newest `size` publications, none older than `ttlMs`. */
export interface RetentionOptions {
  size: number;
  ttlMs?: number;
}

export interface ReadHistoryOptions extends RetentionOptions {
  /** Publications with an offset greater than this. */
  since: number;
  /** At most this many; @default size */
  limit?: number;
  /** For tests: the current time. */
  now?: number;
}

export interface HistoryPage {
  /** The channel's newest offset (0 when nothing was ever published). */
  lastOffset: number;
  /** Offsets `since+1 …` in order, at most `limit`. */
  publications: StoredPublication[];
  /** True when retained history continues past this page. */
  hasMore: boolean;
  /**
   * True when history still holds every publication after `since`: the first one
   * kept is `since + 1`, or nothing was published after `since`. False when `since`
   * is ahead of the channel (a different store, or a client bug).
   */
  recovered: boolean;
}

/** A stored row as the publication clients receive. */
export function toPublication(channel: string, row: StoredPublication): Publication {
  return { channel, event: row.event, data: JSON.parse(row.data), offset: row.offset, timestamp: toIso(row.createdAt) };
}

export class HistoryRepo {
  constructor(private readonly store: Store) {}

  /**
   * Appends publications to one channel in one transaction (or inside `trx`, the
   * group-commit batch of publication-writes.ts) and returns the offset of the
   * first; the others follow consecutively.
   */
  async append(channel: string, namespace: string, items: NewPublication[], trx?: Transaction<Database>): Promise<number> {
    if (items.length === 0) throw new Error('append needs at least one publication');
    if (!trx) return this.store.db.transaction().execute((t) => this.append(channel, namespace, items, t));
    const count = items.length;
    const { last_offset: last } = await trx
      .insertInto('channel_offsets')
      .values({ channel, last_offset: count })
      .onConflict((oc) => oc.column('channel').doUpdateSet({ last_offset: sql<number>`channel_offsets.last_offset + ${count}` }))
      .returning('last_offset')
      .executeTakeFirstOrThrow();
    const first = Number(last) - count + 1;
    for (let start = 0; start < count; start += 500) {
      await trx
        .insertInto('channel_publications')
        .values(
          items.slice(start, start + 500).map((item, i) => ({
            channel,
            namespace,
            pub_offset: first + start + i,
            event: item.event,
            data: item.data,
            created_at: item.createdAt,
          })),
        )
        .execute();
    }
    return first;
  }

  /** The newest offsets of several channels (those never published on are missing). */
  async lastOffsets(channels: string[]): Promise<Map<string, number>> {
    if (channels.length === 0) return new Map();
    const rows = await this.store.db
      .selectFrom('channel_offsets')
      .select(['channel', 'last_offset'])
      .where('channel', 'in', channels)
      .execute();
    return new Map(rows.map((row) => [row.channel, Number(row.last_offset)]));
  }

  /** The channel's newest offset, 0 when it has none. */
  async lastOffset(channel: string): Promise<number> {
    const row = await this.store.db.selectFrom('channel_offsets').select('last_offset').where('channel', '=', channel).executeTakeFirst();
    return row ? Number(row.last_offset) : 0;
  }

  /**
   * Publications after `since`, as retention defines them. Rows past the size or TTL
   * limit that the background trim has not deleted yet are filtered out here, so
   * reads are exact whenever trimming runs.
   */
  async read(channel: string, options: ReadHistoryOptions): Promise<HistoryPage> {
    const lastOffset = await this.lastOffset(channel);
    const limit = options.limit ?? options.size;
    const floor = Math.max(options.since, lastOffset - options.size);
    let query = this.store.db
      .selectFrom('channel_publications')
      .select(['pub_offset', 'event', 'data', 'created_at'])
      .where('channel', '=', channel)
      .where('pub_offset', '>', floor)
      .orderBy('pub_offset', 'asc')
      .limit(limit + 1);
    if (options.ttlMs !== undefined) query = query.where('created_at', '>=', (options.now ?? Date.now()) - options.ttlMs);
    const rows = await query.execute();
    const hasMore = rows.length > limit;
    const publications = rows
      .slice(0, limit)
      .map((r) => ({ offset: Number(r.pub_offset), event: r.event, data: r.data, createdAt: Number(r.created_at) }));
    let recovered: boolean;
    if (options.since > lastOffset) recovered = false;
    else if (options.since === lastOffset) recovered = true;
    // Retained history is contiguous up to lastOffset, so it reaches back far enough
    // exactly when its first row is the one right after `since`.
    else recovered = publications[0]?.offset === options.since + 1;
    return { lastOffset, publications, hasMore, recovered };
  }

  /** Deletes one channel's rows beyond its size or TTL; returns how many. */
  async trimChannel(channel: string, retention: RetentionOptions, now = Date.now()): Promise<number> {
    const lastOffset = await this.lastOffset(channel);
    const result = await this.store.db
      .deleteFrom('channel_publications')
      .where('channel', '=', channel)
      .where((eb) => {
        const beyondSize = eb('pub_offset', '<=', lastOffset - retention.size);
        return retention.ttlMs === undefined ? beyondSize : eb.or([beyondSize, eb('created_at', '<', now - retention.ttlMs)]);
      })
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes every row of a namespace older than `ttlMs` (the periodic sweep of idle channels). */
  async trimExpired(namespace: string, ttlMs: number, now = Date.now()): Promise<number> {
    const result = await this.store.db
      .deleteFrom('channel_publications')
      .where('namespace', '=', namespace)
      .where('created_at', '<', now - ttlMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
