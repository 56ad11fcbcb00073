/**
 * Kysely table types of the channels feature, composed into the store's `Database`
 * (src/store/database.ts). Offsets and times are `bigint` columns read as numbers.
 */

/** Members of `members`-policy channels, managed by PUT/DELETE /api/channels/{channel}/members/{userId}. */
export interface ChannelMembersTable {
  channel: string;
  user_id: string;
  /** Epoch ms. */
  added_at: number;
}

/**
 * The newest offset of each channel with history. Offsets are assigned here, by an
 * atomic upsert, so every node of a cluster shares one sequence per channel.
 */
export interface ChannelOffsetsTable {
  channel: string;
  last_offset: number;
}

/** Publications kept for recovery (`subscribe { since }`) and GET …/history. */
export interface ChannelPublicationsTable {
  channel: string;
  /** The namespace, so the TTL sweep can delete by namespace without a LIKE on `channel`. */
  namespace: string;
  /** `offset` is an SQL keyword, hence the prefix. */
  pub_offset: number;
  event: string;
  /** JSON text of the publication's data. */
  data: string;
  /** Epoch ms. */
  created_at: number;
}

export interface ChannelsTables {
  channel_members: ChannelMembersTable;
  channel_offsets: ChannelOffsetsTable;
  channel_publications: ChannelPublicationsTable;
}

declare module '../store/database.js' {
  interface Database extends ChannelsTables {}
}
