/**
 * compiledOnce on SQLite and PostgreSQL: the compiled query answers what the builder
 * answers for every argument (an argument used twice included), per store, and a
 * query whose argument is not a bound parameter is refused at its first run.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.js';
import { compiledOnce } from './compiled-once.js';

const sessionsOf = compiledOnce((db, userId) =>
  db
    .selectFrom('sessions')
    .select(['id'])
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('token_hash', '=', userId)]))
    .orderBy('id'),
);

describeEachStore('compiledOnce', (handle) => {
  it('answers like the builder for each argument, on each store', async () => {
    const { db } = handle.store;
    const rows = ['a', 'b', 'c'].map((id, i) => ({
      id: `s-${id}`,
      token_hash: i === 2 ? 'user-a' : `hash-${id}`,
      user_id: i === 1 ? 'user-b' : 'user-a',
      metadata: null,
      created_at: 1,
      expires_at: 2,
      revoked_at: null,
    }));
    await db.insertInto('sessions').values(rows).execute();
    for (const userId of ['user-a', 'user-b', 'nobody', "x' or '1'='1"]) {
      const expected = await db
        .selectFrom('sessions')
        .select(['id'])
        .where((eb) => eb.or([eb('user_id', '=', userId), eb('token_hash', '=', userId)]))
        .orderBy('id')
        .execute();
      expect(await sessionsOf(db, userId)).toEqual(expected);
    }
    expect((await sessionsOf(db, 'user-a')).map((r) => r.id)).toEqual(['s-a', 's-c']);
  });
});

describe('compiledOnce refusals', () => {
  it('refuses an argument that is not a bound parameter', async () => {
    const { createStore } = await import('./create-store.js');
    const store = createStore('sqlite::memory:');
    const unbound = compiledOnce((db, _userId) => db.selectNoFrom(sql<number>`1`.as('one')));
    await expect(unbound(store.db, 'x')).rejects.toThrow(/bound parameter/);
    await store.close();
  });
});
