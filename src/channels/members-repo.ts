/** Membership of `members`-policy channels, in the store so every node sees the same. */
import type { Store } from '../store/store.js';

export class MembersRepo {
  constructor(private readonly store: Store) {}

  async isMember(channel: string, userId: string): Promise<boolean> {
    const row = await this.store.db
      .selectFrom('channel_members')
      .select('user_id')
      .where('channel', '=', channel)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Adds a member; true when the row is new (false when already a member). */
  async add(channel: string, userId: string): Promise<boolean> {
    const result = await this.store.db
      .insertInto('channel_members')
      .values({ channel, user_id: userId, added_at: Date.now() })
      .onConflict((oc) => oc.columns(['channel', 'user_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Removes a member; true when there was a row. */
  async remove(channel: string, userId: string): Promise<boolean> {
    const result = await this.store.db
      .deleteFrom('channel_members')
      .where('channel', '=', channel)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
